//! Review dates: when a page is due for review and whether it is overdue.
//!
//! Reads a page's `last_reviewed`, `review_every` and `review_by` and works
//! out the due date against "today" (which a build fixes once, so output is
//! reproducible). Reports overdue pages and unreadable periods as
//! diagnostics; and warns when an edition's next planned update has
//! passed. It does not render anything.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use crate::model::authority::Governance;
use crate::model::page::PageMeta;
use crate::stages::overlay::EditionPage;
use crate::support::diagnostic::Diagnostic;
use crate::text::frontmatter::find_key;

/// Parses a review period such as `12 months`, `1 year`, `6 weeks`.
pub fn parse_period(text: &str) -> Option<Span> {
    let mut words = text.split_whitespace();
    let n: i64 = words.next()?.parse().ok()?;
    let unit = words.next()?.trim_end_matches('s').to_ascii_lowercase();
    if words.next().is_some() || !(1..=120).contains(&n) {
        return None;
    }
    match unit.as_str() {
        "year" => Some(n.years()),
        "month" => Some(n.months()),
        "week" => Some(n.weeks()),
        "day" => Some(n.days()),
        _ => None,
    }
}

/// When a page is due for review, if it says.
pub fn due_date(meta: &PageMeta) -> Option<Date> {
    if let Some(by) = meta.review_by {
        return Some(by);
    }
    let last = meta.last_reviewed?;
    let period = parse_period(meta.review_every.as_deref()?)?;
    last.checked_add(period).ok()
}

/// The latest date the page says it changed or was reviewed.
pub fn last_updated(meta: &PageMeta) -> Option<Date> {
    meta.changes
        .iter()
        .map(|c| c.date)
        .chain(meta.last_reviewed)
        .max()
}

/// The date a page's text last changed, as readers are told: the latest of
/// the date its own front matter gives (else `model_date`, the model's
/// publication date), the dates of the council's text on it (overrides and
/// notes) and of the examples it shows.
pub fn page_updated(page: &EditionPage, model_date: Date) -> Date {
    let own = last_updated(page.meta).unwrap_or(model_date);
    page.chunks
        .iter()
        .filter_map(|c| c.mark.as_ref()?.updated)
        .chain(
            page.examples
                .iter()
                .filter_map(|e| e.governance.last_updated()),
        )
        .fold(own, Date::max)
}

/// A warning for an override or example whose front matter gives no date:
/// the pages it changes can then only say when the model was published.
pub fn check_dated(
    file: &std::sync::Arc<crate::support::diagnostic::SourceFile>,
    dates: &Governance,
) -> Option<Diagnostic> {
    if dates.last_updated().is_some() {
        return None;
    }
    Some(
        Diagnostic::warning("undated-local-text", "this local text says nothing of when it was written or reviewed")
            .at(file, 0, file.text.find('\n').unwrap_or(0))
            .hint("add `last_reviewed: YYYY-MM-DD` to its front matter, so the pages it changes show a true \"last updated\" date"),
    )
}

/// A warning when the edition's next planned update (`next_update:` in
/// `authority.yaml`) has passed: its home and "What's changed" pages
/// still give the date, so readers are told of an update that did not come.
pub fn check_next_update(
    authority: &crate::model::authority::Authority,
    today: Date,
) -> Option<Diagnostic> {
    let date = authority.config.next_update?;
    if date >= today {
        return None;
    }
    let at = authority.setting_span("next_update");
    Some(
        Diagnostic::warning(
            "next-update-passed",
            format!(
                "the edition's next planned update was due on {}, which has passed, and its home and \"What's changed\" pages still say it is planned",
                date.strftime("%-d %B %Y")
            ),
        )
        .at(&authority.config_file, at.0, at.1)
        .hint("once the update is published, set `next_update:` to the date of the one after it; or delete the line if none is planned"),
    )
}

/// Problems with a page's review settings, and a warning if it is overdue.
pub fn check(page: &EditionPage, today: Date) -> Vec<Diagnostic> {
    let meta = page.meta;
    let file = &page.file;
    let whole = (0, file.text.len());
    let mut problems = Vec::new();
    if let Some(every) = &meta.review_every {
        if parse_period(every).is_none() {
            let at = find_key(file, whole, "review_every");
            problems.push(
                Diagnostic::error(
                    "bad-period",
                    format!("`{every}` is not a review period Handbook understands"),
                )
                .at(file, at.0, at.1)
                .hint("write a number and a unit, such as `12 months`, `2 years` or `6 weeks`"),
            );
        } else if meta.last_reviewed.is_none() {
            let at = find_key(file, whole, "review_every");
            problems.push(
                Diagnostic::error(
                    "no-last-reviewed",
                    "`review_every` needs `last_reviewed` to count from",
                )
                .at(file, at.0, at.1)
                .hint("add `last_reviewed: YYYY-MM-DD` with the date of the last review"),
            );
        }
    }
    if let Some(due) = due_date(meta) {
        if due < today {
            let key = if meta.review_by.is_some() {
                "review_by"
            } else {
                "last_reviewed"
            };
            let at = find_key(file, whole, key);
            problems.push(
                Diagnostic::warning(
                    "review-overdue",
                    format!("`{}` was due for review on {due}", meta.id),
                )
                .at(file, at.0, at.1)
                .hint("review the page, then set `last_reviewed:` to the date of the review"),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_read_in_plain_words() {
        assert_eq!(parse_period("12 months").unwrap().get_months(), 12);
        assert_eq!(parse_period("1 year").unwrap().get_years(), 1);
        assert!(parse_period("soon").is_none());
        assert!(parse_period("12 fortnights").is_none());
    }
}
