//! The settings, overrides and examples of made-up authorities, read.

use super::*;
use crate::text::frontmatter;

/// The settings of a made-up authority: what `authority.yaml` must say.
pub(crate) const SETTINGS: &str = "name: X Council\nshort_name: X\njurisdiction: england\nservice: adults\naccessibility:\n  contact_email: a@x.example\n  statement_date: 2026-01-01\n";

/// The made-up authority `x`: [`SETTINGS`] and then `more` in its
/// `authority.yaml`, with these override files (file name, text) and
/// local pages.
pub(crate) fn authority_x(more: &str, overrides: &[(&str, &str)], pages: Vec<Page>) -> Authority {
    let config_file = SourceFile::new(
        "local-overrides/x/authority.yaml",
        format!("{SETTINGS}{more}"),
    );
    let config: AuthorityConfig = frontmatter::parse_file(&config_file, AUTHORITY_KEYS).unwrap();
    let overrides = overrides
        .iter()
        .map(|(name, text)| {
            let path = format!("local-overrides/x/overrides/{name}");
            Override::parse(SourceFile::new(path, text.to_string())).unwrap()
        })
        .collect();
    Authority {
        slug: "x".into(),
        config,
        config_file,
        overrides,
        examples: Vec::new(),
        pages,
        documents: Vec::new(),
        broken_page_ids: Default::default(),
        dir: PathBuf::from("local-overrides/x"),
    }
}

fn override_file(text: &str) -> Result<Override, Diagnostic> {
    Override::parse(SourceFile::new(
        "local-overrides/x/overrides/o.md",
        text.to_string(),
    ))
}

fn example_file(text: &str) -> Result<Example, Diagnostic> {
    Example::parse(SourceFile::new(
        "local-overrides/x/examples/e.md",
        text.to_string(),
    ))
}

#[test]
fn an_override_gives_its_target_action_reason_and_local_text() {
    let over = override_file(
        "---\ntarget: step-3#panel\naction: replace\nreason: Our panel meets weekly.\nowner: Panel team\nlast_reviewed: 2026-10-01\n---\nThe panel meets every Tuesday.\n",
    )
    .unwrap();
    assert_eq!(over.target.page, "step-3");
    assert_eq!(over.target.section.as_deref(), Some("panel"));
    assert_eq!(over.target.to_string(), "step-3#panel");
    assert_eq!(over.action, Action::Replace);
    assert_eq!(over.reason.as_deref(), Some("Our panel meets weekly."));
    assert_eq!(over.body(), "The panel meets every Tuesday.\n");
    assert_eq!(over.governance.owner.as_deref(), Some("Panel team"));
    assert_eq!(
        over.governance.last_updated(),
        Some(Date::constant(2026, 10, 1))
    );
    // The target's span is its line, for errors about the target.
    let (line, _) = over.file.line_col(over.target_span.0);
    assert_eq!(line, 2);
    assert_eq!(
        &over.file.text[over.target_span.0..over.target_span.1],
        "target: step-3#panel"
    );
}

#[test]
fn a_whole_page_target_has_no_section() {
    let over =
        override_file("---\ntarget: credits\naction: append\n---\nLocal credits.\n").unwrap();
    assert_eq!(over.target, Target::parse(" credits "));
    assert_eq!(over.target.section, None);
    assert_eq!(over.target.to_string(), "credits");
    assert_eq!(over.reason, None, "append needs no reason");
}

#[test]
fn replace_and_remove_need_a_reason_at_the_action_line() {
    for (action, body) in [("replace", "Local text.\n"), ("remove", "")] {
        for reason in ["", "reason: \"  \"\n"] {
            let text = format!("---\ntarget: step-3\naction: {action}\n{reason}---\n{body}");
            assert_eq!(
                refusal(&text),
                ("missing-reason", Some((3, 1))),
                "{action} with {reason:?}: at `action:`"
            );
            let err = override_file(&text).unwrap_err();
            assert!(err.message.contains(action));
            assert!(err.hint.as_deref().unwrap().contains("reason:"));
        }
    }
    for action in ["append", "prepend", "insert-before", "insert-after", "note"] {
        let text = format!("---\ntarget: step-3#panel\naction: {action}\n---\nLocal text.\n");
        assert!(override_file(&text).is_ok(), "{action} needs no reason");
    }
}

#[test]
fn a_note_stands_after_its_target_unless_it_says_before() {
    let after = override_file("---\ntarget: step-3\naction: note\n---\nOur note.\n").unwrap();
    assert_eq!(after.action, Action::Note);
    assert_eq!(after.position, Position::After);
    let before =
        override_file("---\ntarget: step-3\naction: note\nposition: before\n---\nOur note.\n")
            .unwrap();
    assert_eq!(before.position, Position::Before);
    let after =
        override_file("---\ntarget: step-3\naction: note\nposition: after\n---\nOur note.\n")
            .unwrap();
    assert_eq!(after.position, Position::After);
}

/// The code and the line and column of the problem an override file has.
fn refusal(text: &str) -> (&'static str, Option<(usize, usize)>) {
    let err = override_file(text).unwrap_err();
    (err.code, err.line_col())
}

#[test]
fn position_belongs_to_notes_only_and_a_note_needs_text() {
    let text = "---\ntarget: step-3#panel\naction: append\nposition: before\n---\nText.\n";
    assert_eq!(refusal(text), ("position-without-note", Some((4, 1))));
    assert!(override_file(text)
        .unwrap_err()
        .message
        .contains("`append`"));
    let text = "---\ntarget: step-3\naction: note\nposition: beside\n---\nText.\n";
    assert_eq!(refusal(text).1.map(|(line, _)| line), Some(4));
    let text = "---\ntarget: step-3\naction: note\n---\n  \n";
    assert_eq!(refusal(text), ("empty-note", Some((2, 1))), "at `target:`");
}

#[test]
fn a_remove_with_text_is_refused_at_the_text() {
    let text =
        "---\ntarget: step-3#panel\naction: remove\nreason: Not used here.\n---\nLeft-over text.\n";
    assert_eq!(refusal(text), ("remove-with-text", Some((6, 1))));
}

#[test]
fn an_unknown_action_or_key_is_refused_at_its_line() {
    let text = "---\ntarget: step-3\naction: rewrite\n---\nText.\n";
    assert_eq!(refusal(text).1.map(|(line, _)| line), Some(3));
    let text = "---\ntarget: step-3\naction: append\nreson: x\n---\nText.\n";
    assert_eq!(refusal(text).1.map(|(line, _)| line), Some(4));
    let hint = override_file(text).unwrap_err().hint.unwrap_or_default();
    assert!(hint.contains("reason"), "{hint}");
}

#[test]
fn an_example_gives_its_id_title_pages_and_text() {
    let example = example_file(
        "---\nid: ex-panel\ntitle: A plan at panel\nattach: [step-3, step-5]\nsummary: One line.\nsource: sws-2016\n---\nMrs A's plan went to panel.\n",
    )
    .unwrap();
    assert_eq!(example.id, "ex-panel");
    assert_eq!(example.title, "A plan at panel");
    assert_eq!(example.attach, ["step-3", "step-5"]);
    assert_eq!(example.summary.as_deref(), Some("One line."));
    assert_eq!(example.source.as_deref(), Some("sws-2016"));
    assert_eq!(example.body(), "Mrs A's plan went to panel.\n");
    assert_eq!(example.file.line_col(example.attach_span.0), (4, 1));
    assert_eq!(example.file.line_col(example.source_span.0), (6, 1));
}

#[test]
fn an_example_needs_a_usable_id_and_a_page() {
    let refusal = |text: &str| {
        let err = example_file(text).unwrap_err();
        (err.code, err.line_col())
    };
    let text = "---\nid: Ex Panel\ntitle: T\nattach: [step-3]\n---\nText.\n";
    assert_eq!(refusal(text), ("bad-id", Some((2, 1))));
    let text = "---\nid: ex-panel\ntitle: T\nattach: []\n---\nText.\n";
    assert_eq!(refusal(text), ("no-attach", Some((4, 1))));
    let err = example_file("---\nid: ex-panel\nattach: [step-3]\n---\nText.\n").unwrap_err();
    assert!(err.message.contains("title"), "{}", err.message);
}

#[test]
fn settings_are_found_by_key() {
    let authority = authority_x(
        "terms:\n  Individual Budget: Personal Budget\n",
        &[],
        Vec::new(),
    );
    let config = &authority.config;
    assert_eq!(config.jurisdiction, Jurisdiction::England);
    assert_eq!(config.service.label(), "adults");
    assert_eq!(config.terms["Individual Budget"], "Personal Budget");
    let at = authority.setting_span("terms");
    assert_eq!(authority.config_file.line_col(at.0), (8, 1));
    assert_eq!(
        Jurisdiction::from_word("northern-ireland").map(Jurisdiction::label),
        Some("Northern Ireland")
    );
    assert_eq!(Jurisdiction::from_word("mercia"), None);
}
