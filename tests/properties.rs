//! The fuzz targets' properties (`fuzz/src/lib.rs`), run on generated
//! inputs by `cargo test` on the stable toolchain, so that a change that
//! breaks one fails CI without a fuzzing run; and every input of the
//! committed seed corpora (`fuzz/corpus/`) replayed through its target.
//!
//! Inputs are built from pieces that matter to each target (tags,
//! attributes, schemes, character references, control characters, Markdown
//! link syntax, front-matter keys) mixed with arbitrary bytes, so a few
//! thousand cases reach what a fuzzer finds in its first minutes.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Pieces of HTML, Markdown and addresses that decide safety.
const PIECES: &[&str] = &[
    "<a href=\"",
    "<a href=",
    "<a href='",
    "\">",
    "'>",
    ">",
    "</a>",
    "<img src=\"",
    "<img srcset=\"",
    "\" alt=\"x\">",
    "<blockquote cite=\"",
    "<form action=\"",
    "<object data=\"",
    "<video poster=\"",
    "javascript:",
    "JaVaScRiPt:",
    "java",
    "script:",
    "vbscript:",
    "vb",
    "data:",
    "data:text/html,x",
    "http:",
    "https:",
    "https://x.example/",
    "//x.example/",
    "\\\\x.example/",
    "/",
    "\\",
    "#",
    "?",
    "mailto:a@b.example",
    "tel:01632960000",
    "ftp:",
    "foo:",
    ":",
    "step-1",
    "step-1.html#a",
    "&#x1a;",
    "&#1;",
    "&#x9;",
    "&#10;",
    "&#x7f;",
    "&#133;",
    "&#xfffe;",
    "&#0;",
    "&amp;",
    "&quot;",
    "&nbsp;",
    "&lt;",
    "&#39;",
    "&auml;",
    "&",
    "\u{1}",
    "\u{1a}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{fffe}",
    "\t",
    "\n",
    "\r",
    " ",
    "\"",
    "'",
    "<",
    "</",
    "[",
    "](",
    ")",
    "![",
    "]: ",
    "[x]",
    "<http:>",
    "<https://a.example>",
    "<a@b.example>",
    "*",
    "_",
    "`",
    "```\n",
    "# ",
    "\n\n",
    "| a | b |\n|---|---|\n",
    "- ",
    "> ",
    "[[",
    "]]",
    "{#id}",
    "<script>",
    "</script>",
    "<style>",
    "<p onclick=\"x\">",
    "<svg>",
    "<math>",
    " title=\"",
    " class=\"",
    " style=\"",
    "<!--",
    "-->",
    "%20",
    "%0a",
    "%1A",
    "<br />",
    "<td =x>",
    "<table><tr><td style=\"text-align: right\">",
];

/// Pieces of page, override and example files.
const FILE_PIECES: &[&str] = &[
    "---\n",
    "id: ",
    "title: ",
    "weight: ",
    "step: ",
    "summary: ",
    "glossary:\n",
    "  - term: ",
    "    section: ",
    "target: ",
    "action: ",
    "reason: ",
    "replace",
    "append",
    "remove",
    "model_fingerprint: ",
    "last_reviewed: ",
    "2026-01-01",
    "review_every: ",
    "[[step-1]]",
    "step-1#social-work-role",
    "{{ vars.phone }}",
    "## Heading {#h}\n",
    "\u{0}",
    "\"",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "&a",
    "*a",
    "!!str",
    "? ",
];

/// What a fuzz target is: a check of one input.
type Target = fn(&[u8]);

/// Inputs built from `pieces` and arbitrary bytes, up to `max` parts.
fn inputs(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<u8>> {
    let part = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(|p| p.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..4),
        2 => "[a-z0-9 .=/-]{0,8}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(part, 0..max).prop_map(|parts| parts.concat())
}

/// Runs `target` on `cases` generated inputs; a failure is shrunk to a
/// smallest input and shown.
fn holds(cases: u32, strategy: impl Strategy<Value = Vec<u8>>, target: Target) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |input| {
        let outcome = std::panic::catch_unwind(|| target(&input));
        prop_assert!(
            outcome.is_ok(),
            "input {:?}",
            String::from_utf8_lossy(&input)
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn the_sanitisers_output_is_safe_and_final() {
    holds(4000, inputs(PIECES, 24), targets::sanitize);
}

#[test]
fn text_published_as_written_is_what_the_sanitiser_publishes() {
    holds(4000, inputs(PIECES, 24), targets::differential);
}

#[test]
fn front_matter_and_overrides_never_panic() {
    holds(600, inputs(FILE_PIECES, 32), targets::front_matter);
    holds(600, inputs(FILE_PIECES, 32), targets::override_parse);
}

#[test]
fn whole_editions_publish_nothing_unsafe() {
    let mut pieces = PIECES.to_vec();
    pieces.extend_from_slice(FILE_PIECES);
    let pieces: &'static [&'static str] = Box::leak(pieces.into_boxed_slice());
    holds(60, inputs(pieces, 40), targets::page_pipeline);
}

#[test]
fn every_committed_seed_passes_its_target() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let all: [(&str, Target); 5] = [
        ("sanitize", targets::sanitize),
        ("differential", targets::differential),
        ("front_matter", targets::front_matter),
        ("override_parse", targets::override_parse),
        ("page_pipeline", targets::page_pipeline),
    ];
    for (name, target) in all {
        let folder = corpus.join(name);
        let mut seeds: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        seeds.sort();
        assert!(seeds.len() >= 20, "{name} has only {} seeds", seeds.len());
        for seed in seeds {
            let bytes = std::fs::read(&seed).unwrap();
            if std::panic::catch_unwind(|| target(&bytes)).is_err() {
                panic!("{name}: {} fails", seed.display());
            }
        }
    }
}
