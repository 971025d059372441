//! A policy lead's review, recorded: `handbook accept`, and the first review
//! of a new authority's example override (`handbook new-authority`, once
//! `crate::tools::scaffold` has made its folder).
//!
//! [`accept`] decides the steps: the names given are split into
//! translations and overrides; the translations' checks are recorded first,
//! then the overrides' reviews; with no name, nothing is recorded and what
//! is due for a review is listed. Each step loads the authority afresh
//! (through [`super::with_translations`] and [`super::with_edition`]), so
//! it sees what the step before wrote. What is recorded, and how, is the
//! `drift` module's.
//!
//! Writes only what `drift` writes; prints nothing.

use std::path::Path;

use crate::stages::overlay::drift::{
    self, AcceptError, Accepted, Choice, ReviewRecorded, Unreviewed,
};

/// What `accept` did, step by step.
#[derive(Debug, Default)]
pub struct Acceptance {
    /// The translations whose check was recorded, when translations were
    /// named or every file was chosen; `None` when none was named.
    pub translations: Option<Result<Vec<ReviewRecorded>, AcceptError>>,
    /// What became of the overrides; `None` when only translations were
    /// named, or when recording the translations failed.
    pub overrides: Option<Result<Overrides, AcceptError>>,
    /// With every file chosen, the latest release of each layer the
    /// edition builds on, recorded as reviewed, as (layer, version).
    pub layer_releases: Vec<(String, String)>,
}

/// What `accept` did with an authority's overrides.
#[derive(Debug)]
pub enum Overrides {
    /// No file was named: the overrides and translations whose review is
    /// due. Nothing was recorded.
    Due {
        /// Overrides whose model text changed, or that were never reviewed.
        overrides: Vec<Unreviewed>,
        /// Translations whose source text changed, or never checked.
        translations: Vec<Unreviewed>,
    },
    /// The reviews recorded.
    ReviewRecorded(Accepted),
}

impl Acceptance {
    /// Whether `accept` did what it was asked: nothing failed and, when it
    /// was asked only to list, nothing is due for a review. (Listing what is
    /// due fails, so that nothing is recorded unseen.)
    pub fn succeeded(&self) -> bool {
        let checked = !matches!(self.translations, Some(Err(_)));
        match &self.overrides {
            Some(Err(_)) => false,
            Some(Ok(Overrides::Due {
                overrides,
                translations,
            })) => checked && overrides.is_empty() && translations.is_empty(),
            Some(Ok(Overrides::ReviewRecorded(_))) | None => checked,
        }
    }
}

/// `handbook accept`: records the review of the chosen files of authority
/// `slug` in `root` (the translations named, then the overrides named, or
/// every one with [`Choice::All`]), each against the text it covers as it
/// is now. With no file named, records nothing and lists what is due.
pub fn accept(root: &Path, slug: &str, choice: Choice) -> Acceptance {
    let all = matches!(choice, Choice::All);
    let (translations, overrides) = match choice {
        Choice::All => (Vec::new(), Vec::new()),
        Choice::Files(names) => drift::split_names(names),
    };
    let mut acceptance = Acceptance::default();
    if all || !translations.is_empty() {
        let recorded = super::with_translations(root, slug, |authority, found| {
            drift::accept_translations(found, authority, chosen(all, &translations))
        })
        .map_err(AcceptError::Problems)
        .and_then(|recorded| recorded);
        let done = recorded.is_err() || (!all && overrides.is_empty());
        acceptance.translations = Some(recorded);
        if done {
            return acceptance;
        }
    }
    acceptance.overrides = Some(if !all && overrides.is_empty() {
        due(root, slug)
    } else {
        super::with_edition(root, slug, |linked| {
            drift::accept(&linked.edition, chosen(all, &overrides))
        })
        .map_err(AcceptError::Problems)
        .and_then(|accepted| accepted.map(Overrides::ReviewRecorded))
    });
    if all && matches!(acceptance.overrides, Some(Ok(_))) {
        let releases = crate::stages::load::history::releases(root)
            .map(|recorded| recorded.releases)
            .unwrap_or_default();
        let recorded = super::with_edition(root, slug, |linked| {
            drift::accept_layer_releases(&linked.edition, &releases)
        });
        match recorded {
            Ok(Ok(done)) => acceptance.layer_releases = done,
            Ok(Err(e)) => acceptance.overrides = Some(Err(AcceptError::Io(e))),
            Err(problems) => acceptance.overrides = Some(Err(AcceptError::Problems(problems))),
        }
    }
    acceptance
}

/// Every file with `all`, else the files `names`.
fn chosen(all: bool, names: &[String]) -> Choice<'_> {
    if all {
        Choice::All
    } else {
        Choice::Files(names)
    }
}

/// The overrides and translations of `slug` whose review is due. The
/// translations are left out when the root has errors: the edition's
/// problems are the answer then.
fn due(root: &Path, slug: &str) -> Result<Overrides, AcceptError> {
    let translations =
        super::with_translations(root, slug, |_, found| drift::unreviewed_translations(found))
            .unwrap_or_default();
    super::with_edition(root, slug, |linked| Overrides::Due {
        overrides: drift::unreviewed(&linked.edition),
        translations,
    })
    .map_err(AcceptError::Problems)
}

/// The first review of a new authority `slug` in `root`, just made by
/// `handbook new-authority`: its example override was written against the
/// model as it is now, so every file of it is recorded as reviewed.
pub fn first_review(root: &Path, slug: &str) -> Acceptance {
    accept(root, slug, Choice::All)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::overlay::drift::Review;

    fn due(overrides: usize, translations: usize) -> Option<Result<Overrides, AcceptError>> {
        let one = Unreviewed {
            file: "a.md".into(),
            of: "step-1#a".into(),
            review: Review::Never,
        };
        Some(Ok(Overrides::Due {
            overrides: vec![one.clone(); overrides],
            translations: vec![one; translations],
        }))
    }

    #[test]
    fn accept_fails_when_a_step_fails_or_a_review_is_due() {
        fn unknown<T>() -> Result<T, AcceptError> {
            Err(AcceptError::Unknown(vec![("x".into(), "y".into())]))
        }
        let accepted = || Some(Ok(Overrides::ReviewRecorded(Accepted::default())));
        let case = |translations, overrides| Acceptance {
            translations,
            overrides,
            layer_releases: Vec::new(),
        };
        assert!(case(None, accepted()).succeeded());
        assert!(case(Some(Ok(Vec::new())), None).succeeded());
        assert!(case(Some(Ok(Vec::new())), accepted()).succeeded());
        assert!(case(None, due(0, 0)).succeeded());
        assert!(!case(None, due(1, 0)).succeeded());
        assert!(!case(None, due(0, 1)).succeeded());
        assert!(!case(Some(unknown()), None).succeeded());
        assert!(!case(None, Some(unknown())).succeeded());
        assert!(!case(Some(Ok(Vec::new())), Some(unknown())).succeeded());
    }

    #[test]
    fn accept_refuses_an_authority_that_is_not_there() {
        let root = tempfile::tempdir().unwrap();
        let names = vec!["step-1.cy.md".to_string(), "a.md".to_string()];
        let acceptance = accept(root.path(), "nobody", Choice::Files(&names));
        assert!(matches!(
            acceptance.translations,
            Some(Err(AcceptError::Problems(_)))
        ));
        assert!(
            acceptance.overrides.is_none(),
            "stopped after the translations"
        );
        assert!(!acceptance.succeeded());
        let listed = accept(root.path(), "nobody", Choice::Files(&[]));
        assert!(listed.translations.is_none());
        assert!(matches!(
            listed.overrides,
            Some(Err(AcceptError::Problems(_)))
        ));
    }
}
