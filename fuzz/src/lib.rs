//! What each fuzz target does with its input, as plain functions, so that the
//! libFuzzer targets (`fuzz_targets/`) and the stable `replay` binary run the
//! same checks.
//!
//! Every function takes arbitrary bytes. Text is prepared the way
//! `load::read_source` prepares a file (a byte-order mark and CR line endings
//! removed; NUL bytes and invalid UTF-8 refused before parsing), and then goes
//! through the same library functions `handbook build` uses. A panic, a hang
//! or a broken invariant is a finding.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use handbook::model::authority::{Authority, AuthorityConfig, Example, Override, AUTHORITY_KEYS};
use handbook::model::handbook::{HandbookMeta, Model, HANDBOOK_KEYS};
use handbook::model::page::Page;
use handbook::model::theme::{Engine, TemplateFiles, Theme};
use handbook::support::address::{self, Address};
use handbook::support::diagnostic::{Diagnostic, Diagnostics, JsonDiagnostic, SourceFile};
use handbook::support::output::{Content, OutputFile};
use handbook::{
    site::linkcheck, stages::analyses::governance, stages::link, stages::overlay,
    stages::overlay::drift, stages::render, text::frontmatter, text::sanitize,
};

/// Text as `load::read_source` would hand it on, or `None` where it refuses the bytes.
fn prepare(data: &[u8]) -> Option<String> {
    if data.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(data).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Some(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Shows a problem the three ways `handbook` can: plain text, a miette
/// report with the source line underlined, and JSON.
fn show(diagnostic: &Diagnostic) {
    let _ = diagnostic.to_string();
    let _ = diagnostic.position();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    let _ = handler.render_report(&mut out, diagnostic.to_report().as_ref());
    serde_json::to_string(&JsonDiagnostic::from(diagnostic)).expect("a problem serialises");
}

/// Front matter: a page file, and the same text read as `authority.yaml` and `handbook.yaml`.
pub fn front_matter(data: &[u8]) {
    let Some(text) = prepare(data) else { return };
    let file = SourceFile::new("content/fuzz.md", text);
    let mut problems = Vec::new();
    match Page::parse(Arc::clone(&file), &mut problems) {
        Ok(page) => {
            assert!(page.body_start <= file.text.len());
            for section in &page.sections {
                assert!(section.start <= section.heading_end, "{section:?}");
                assert!(section.heading_end <= section.end, "{section:?}");
                assert!(section.end <= file.text.len(), "{section:?}");
                assert!(page.section(&section.id).is_some());
            }
        }
        Err(d) => problems.push(d),
    }
    if let Err(d) = frontmatter::parse_file::<AuthorityConfig>(&file, AUTHORITY_KEYS) {
        problems.push(d);
    }
    if let Err(d) = frontmatter::parse_file::<HandbookMeta>(&file, HANDBOOK_KEYS) {
        problems.push(d);
    }
    for d in &problems {
        show(d);
    }
}

/// Override and example files of an authority.
pub fn override_parse(data: &[u8]) {
    let Some(text) = prepare(data) else { return };
    let file = SourceFile::new("local-overrides/fuzzshire/overrides/fuzz.md", text);
    match Override::parse(Arc::clone(&file)) {
        Ok(o) => {
            let _ = o.body();
        }
        Err(d) => show(&d),
    }
    match Example::parse(file) {
        Ok(e) => {
            let _ = e.body();
        }
        Err(d) => show(&d),
    }
}

/// HTML straight into the sanitiser: what it publishes must have nothing
/// left to remove (every address in it, read as a browser reads it, is one
/// that may be published) and load no outside image; what it says about a
/// fragment must not panic.
pub fn sanitize(data: &[u8]) {
    let Some(html) = prepare(data) else { return };
    let cleaned = sanitize::clean(&html);
    let again = sanitize::check_fragment(&cleaned);
    assert!(
        again.removed.is_empty(),
        "the sanitiser's own output still has unsafe parts {:?}:\n{cleaned}",
        again.removed
    );
    assert!(again.outside_images.is_empty(), "{cleaned}");
    let _ = sanitize::check_fragment(&html);
    let _ = sanitize::nesting_change(&html);
    let address = Address::read(&html);
    let _ = (
        address.publishable(),
        address.is_outside_resource(),
        address::key(&html),
    );
}

/// Markdown published both ways: where the shortcut that skips the
/// sanitiser's second parse applies, it must publish what the sanitiser
/// does, byte for byte.
pub fn differential(data: &[u8]) {
    let Some(markdown) = prepare(data) else {
        return;
    };
    if let Some((as_written, cleaned)) = render::both_ways(&markdown) {
        assert_eq!(
            as_written, cleaned,
            "the shortcut differs from the sanitiser for {markdown:?}"
        );
    }
}

const HOME: &str =
    "---\nid: home\ntitle: Home\nweight: 0\n---\nStart with [[step-1]] and the [[terminology]].\n";
const STEP_1: &str = "---\nid: step-1\ntitle: \"Step One\"\nweight: 30\nstep: 1\nsummary: \"The first step.\"\n---\n\n## The social work role {#social-work-role}\n\nA support plan is written with the person.\n\n## Systems, practice and support {#systems-practice-support}\n\nText with a footnote.[^1]\n\n[^1]: A note.\n";
const STEP_2: &str = "---\nid: step-2\ntitle: \"Step Two\"\nweight: 40\nstep: 2\n---\n\n## The social work role {#social-work-role}\n\nSee [[step-1#social-work-role]].\n";
const TERMINOLOGY: &str = "---\nid: terminology\ntitle: Terminology\nweight: 20\nglossary:\n  - term: Support plan\n    section: support-plan\n---\n\n## Support plan {#support-plan}\n\nA plan of how the person will use their money.\n";
const AUTHORITY: &str = "name: Fuzzshire Council\nshort_name: Fuzzshire\njurisdiction: england\nservice: adults\nvariables:\n  phone: \"01632 960000\"\nterms:\n  \"Support plan\": \"Care and support plan\"\naccessibility:\n  contact_email: access@fuzzshire.example\n  statement_date: 2026-01-01\n";

/// The theme and a template engine for it, made once.
fn engine() -> &'static (Theme, Engine) {
    static ENGINE: OnceLock<(Theme, Engine)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let diagnostics = Diagnostics::new();
        let theme = Theme::load(&root, &root.join("themes/default"), &diagnostics);
        assert!(!diagnostics.has_errors(), "{:?}", diagnostics.into_sorted());
        let diagnostics = Diagnostics::new();
        let engine = Engine::new(&theme, &TemplateFiles::default(), &diagnostics)
            .expect("the theme compiles");
        (theme, engine)
    })
}

fn parse_page(path: &str, text: &str) -> Option<Page> {
    let mut problems = Vec::new();
    let page = Page::parse(SourceFile::new(path, text), &mut problems).ok();
    problems.iter().for_each(show);
    page
}

/// A whole edition from a small model plus the input: the input is up to
/// three texts separated by NUL bytes (a page, an override, an example). The
/// page is added to the model and, parsed again, as the authority's local
/// page; the override and example belong to the authority. Both editions go
/// through overlay, link, render and the link check, as in a build.
pub fn page_pipeline(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0).map(prepare);
    let page_text = parts.next().flatten().unwrap_or_default();
    let override_text = parts.next().flatten();
    let example_text = parts.next().flatten();

    let mut pages = BTreeMap::new();
    for (path, text) in [
        ("content/_index.md", HOME),
        ("content/step-1.md", STEP_1),
        ("content/step-2.md", STEP_2),
        ("content/terminology.md", TERMINOLOGY),
    ] {
        let page = parse_page(path, text).expect("the fixed pages parse");
        pages.insert(page.id().to_string(), page);
    }
    if let Some(page) = parse_page("content/fuzz.md", &page_text) {
        pages.entry(page.id().to_string()).or_insert(page);
    }
    let model = Model {
        meta: HandbookMeta::fallback(),
        pages,
        broken_ids: Default::default(),
        removed: Default::default(),
    };
    let config_file = SourceFile::new("local-overrides/fuzzshire/authority.yaml", AUTHORITY);
    let config: AuthorityConfig =
        frontmatter::parse_file(&config_file, AUTHORITY_KEYS).expect("the fixed settings parse");
    let authority = Authority {
        slug: "fuzzshire".into(),
        config,
        config_file,
        overrides: override_text
            .and_then(|t| {
                Override::parse(SourceFile::new(
                    "local-overrides/fuzzshire/overrides/fuzz.md",
                    t,
                ))
                .map_err(|d| show(&d))
                .ok()
            })
            .into_iter()
            .collect(),
        examples: example_text
            .and_then(|t| {
                Example::parse(SourceFile::new(
                    "local-overrides/fuzzshire/examples/fuzz.md",
                    t,
                ))
                .map_err(|d| show(&d))
                .ok()
            })
            .into_iter()
            .collect(),
        pages: parse_page("local-overrides/fuzzshire/pages/fuzz.md", &page_text)
            .into_iter()
            .collect(),
        documents: Vec::new(),
        broken_page_ids: Default::default(),
        dir: PathBuf::from("/nonexistent/handbook-fuzz/local-overrides/fuzzshire"),
    };

    let (theme, engine) = engine();
    let today = jiff::civil::Date::constant(2026, 11, 24);
    for with_authority in [false, true] {
        let diagnostics = Diagnostics::new();
        let edition = if with_authority {
            overlay::authority_edition(&model, &authority, &diagnostics)
        } else {
            overlay::model_edition(&model, &diagnostics)
        };
        let slug = edition.slug.clone();
        diagnostics.extend(drift::check(&edition));
        for page in &edition.pages {
            diagnostics.extend(governance::check(page, today));
        }
        let linked = link::link(edition, &diagnostics);
        let files = render::render(&linked, engine, &theme.statics, today, &diagnostics);
        let problems = linkcheck::check(&slug, &files, &[], None).problems;
        for d in &problems {
            assert_ne!(
                d.code, "outside-resource",
                "content made an outside request: {d}"
            );
        }
        for file in &files {
            assert!(
                handbook::support::names::unsafe_name(file.path.rsplit('/').next().unwrap_or(""))
                    .is_none()
                    || matches!(file.content, Content::Copy(_)),
                "unsafe output name {}",
                file.path
            );
            check_output(file);
        }
        for d in diagnostics.into_sorted().iter().chain(&problems) {
            show(d);
        }
    }
}

/// What no published page may hold, whatever the input.
fn check_output(file: &OutputFile) {
    // Pages come in pieces (their contents list is shared): check them joined.
    let Some(bytes) = file.content.bytes() else {
        return;
    };
    if !file.path.ends_with(".html") {
        return;
    }
    let html = String::from_utf8_lossy(&bytes);
    // Inline script is never published: the theme's scripts are files.
    for (at, _) in html.match_indices("<script") {
        let tag_end = html[at..].find('>').map_or(html.len(), |e| at + e);
        let tag = &html[at..tag_end];
        // Inside an attribute value `<script` is only text (text outside tags
        // has its `<` escaped, so there it can only be an element).
        let inside_a_tag = html[..at]
            .rfind(['<', '>'])
            .is_some_and(|i| html.as_bytes()[i] == b'<');
        if !inside_a_tag {
            assert!(
                tag.contains(" src=\""),
                "inline script published in {}: {tag}",
                file.path
            );
        }
    }
}
