//! The seeded random-save test: runs of saves of every kind of file a
//! policy lead edits (model pages, an authority's override, example,
//! `authority.yaml` and own words, a Welsh translation), each followed by a
//! rebuild of the preview of each edition, which must serve what a fresh
//! build makes and report what it reports. It keeps the preview's memos
//! (the sources, the link stage's per-page results, the render cache)
//! honest: a value a page shows that a memo's key leaves out shows here as
//! a stale page.
//!
//! Only a test: nothing here is used by the program.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;

use super::tests::{first_build, fresh, place_of, save, Place, Served};
use super::{Editions, Preview};
use crate::support::diagnostic::Diagnostic;

/// Numbers picked from a fixed seed, so that every run saves the same.
struct Dice(Cell<u64>);

impl Dice {
    fn pick(&self, n: usize) -> usize {
        let next = self
            .0
            .get()
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0.set(next);
        (next >> 33) as usize % n
    }

    fn one<'a>(&self, of: &[&'a str]) -> &'a str {
        of[self.pick(of.len())]
    }

    fn chance(&self, one_in: usize) -> bool {
        self.pick(one_in) == 0
    }
}

/// A model page `id` with headings, cross-references, title and weight
/// picked at random (a save can change the reading order).
fn model_page(dice: &Dice, id: &str) -> String {
    let headings = [
        "## First {#first}",
        "## Second {#second}",
        "## About [[b]] {#about}",
        "### Third {#third}",
        "## On [[c#third]]",
    ];
    let links = [
        "[[a#first]]",
        "[[a#second]]",
        "[[b]]",
        "[[c]]",
        "[[a]]",
        "[[home]]",
        "[[c#third]]",
        "[[b#about]]",
        "[the form](form.pdf)",
    ];
    let weight = 1 + dice.pick(3);
    let title = dice.one(&["Page", "Page, again"]);
    let mut text = format!("---\nid: {id}\ntitle: {title} {id}\nweight: {weight}\n---\n");
    for h in headings {
        if !dice.chance(8) {
            text.push_str(&format!("{h}\n\nText of {id}.\n\n"));
        }
    }
    for l in links {
        if dice.chance(5) {
            text.push_str(&format!("See {l}.\n\n"));
        }
    }
    text
}

/// Text an authority writes: a variable, cross-references, an address the
/// link check judges (a document that is not there), or plain words.
fn local_text(dice: &Dice) -> &'static str {
    dice.one(&[
        "Ask the {{ team }}.",
        "See [[a#second]] and [[local]].",
        "Our own words.",
        "Our own words.",
        "The [form](form.pdf) is on the intranet.",
    ])
}

/// When a local text was last reviewed, and by whom, if it says.
fn reviewed(dice: &Dice) -> &'static str {
    dice.one(&[
        "",
        "last_reviewed: 2026-10-01\n",
        "last_reviewed: 2026-11-02\nowner: Practice team\n",
    ])
}

/// The settings of the authority `x`: its variables (at times none, so a
/// text that names one fails), notice and local terms.
fn settings_of_x(dice: &Dice) -> String {
    let mut text = crate::model::authority::tests::SETTINGS.to_string();
    if !dice.chance(4) {
        let team = dice.one(&["duty team", "first contact team"]);
        text.push_str(&format!("variables:\n  team: {team}\n"));
    }
    let notice = dice.one(&["", "notice: A council made up for tests.\n"]);
    let terms = dice.one(&["", "terms:\n  Text: Words\n"]);
    format!("{text}{notice}{terms}")
}

/// The settings of the authority `w`, in English and Welsh.
const SETTINGS_OF_W: &str = "name: W Council\nshort_name: W\njurisdiction: wales\nservice: adults\nlanguages: [en, cy]\ntranslations:\n  cy:\n    name: Cyngor W\n    short_name: W\n";

/// One save: the file, under the root, and its new text.
fn any_save(dice: &Dice) -> (String, String) {
    let x = "local-overrides/x";
    match dice.pick(6) {
        0 => {
            let id = dice.one(&["a", "b", "c"]);
            (format!("content/{id}.md"), model_page(dice, id))
        }
        1 => {
            let target = dice.one(&["a#first", "b#about", "c#third", "a"]);
            let action = dice.one(&["append", "prepend", "note", "insert-after", "replace"]);
            let text = local_text(dice);
            let when = reviewed(dice);
            let file = format!(
                "---\ntarget: {target}\naction: {action}\nreason: Ours.\n{when}---\n{text}\n"
            );
            (format!("{x}/overrides/o.md"), file)
        }
        2 => {
            let title = dice.one(&["One", "One, again"]);
            let pages = dice.one(&["a", "b", "a, c"]);
            let text = local_text(dice);
            let when = reviewed(dice);
            let file =
                format!("---\nid: ex-one\ntitle: {title}\nattach: [{pages}]\n{when}---\n{text}\n");
            (format!("{x}/examples/ex-one.md"), file)
        }
        3 => (format!("{x}/authority.yaml"), settings_of_x(dice)),
        4 => {
            let words = dice.one(&["Back to top", "To the top", "Up again"]);
            (
                format!("{x}/strings/en.yaml"),
                format!("back_to_top: {words}\n"),
            )
        }
        _ => {
            let id = dice.one(&["a", "b"]);
            let title = dice.one(&["Tudalen", "Tudalen eto"]);
            let file =
                format!("---\ntitle: {title} {id}\n---\n## Cyntaf {{#first}}\n\nTestun {id}.\n");
            (format!("local-overrides/w/translations/{id}.cy.md"), file)
        }
    }
}

/// The root the saves are made to, with no problem: the model's pages
/// `home`, `a`, `b` and `c`; the authority `x` (in English) with an
/// override, an example, a local page and words of its own; and the
/// authority `w`, in English and Welsh, with a translation of `a` and `b`.
/// Returns it and the text of each file the saves change.
fn root_of_every_kind() -> (tempfile::TempDir, HashMap<String, String>) {
    let x = "local-overrides/x";
    let mut files: HashMap<String, String> = HashMap::new();
    for id in ["a", "b", "c"] {
        let text = format!("---\nid: {id}\ntitle: Page {id}\nweight: 1\n---\n## First {{#first}}\n\nText.\n\n## About [[b]] {{#about}}\n\n### Third {{#third}}\n\nText of {id}.\n");
        files.insert(format!("content/{id}.md"), text);
        let welsh = format!("---\ntitle: Tudalen {id}\n---\n## Cyntaf {{#first}}\n\nTestun.\n");
        files.insert(format!("local-overrides/w/translations/{id}.cy.md"), welsh);
    }
    let override_file = "---\ntarget: a#first\naction: append\n---\nOur own words.\n";
    let example = "---\nid: ex-one\ntitle: One\nattach: [b]\n---\nAn example.\n";
    let settings = format!(
        "{}variables:\n  team: duty team\n",
        crate::model::authority::tests::SETTINGS
    );
    for (file, text) in [
        ("overrides/o.md", override_file.to_string()),
        ("examples/ex-one.md", example.to_string()),
        ("strings/en.yaml", "back_to_top: Back to top\n".to_string()),
        ("authority.yaml", settings),
    ] {
        files.insert(format!("{x}/{file}"), text);
    }
    let home = "---\nid: home\ntitle: Home\n---\nWelcome.\n";
    let local = "---\nid: local\ntitle: Our page\nparent: a\n---\nLocal text.\n";
    let mut all: Vec<(&str, &str)> = vec![
        ("content/_index.md", home),
        ("local-overrides/x/pages/local.md", local),
        ("local-overrides/w/authority.yaml", SETTINGS_OF_W),
    ];
    all.extend(files.iter().map(|(f, t)| (f.as_str(), t.as_str())));
    (crate::stages::load::tests::root_with(&all), files)
}

/// The preview's errors, where they are, sorted.
fn places(problems: &[Diagnostic]) -> Vec<Place> {
    let mut at: Vec<Place> = problems.iter().map(place_of).collect();
    at.sort();
    at
}

/// What a save came to in a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SaveOutcome {
    /// It served, with no problem.
    Clean,
    /// It served, and the checks of the made site found problems.
    Problems,
    /// It failed: the last good pages stay.
    Failed,
}

/// Asserts that a build of the preview of `editions` (the model's or one
/// English authority's) served what `build` makes of the root, with the
/// errors the checks of `build` find; or, when it failed, that it failed
/// with the errors `build` finds before its link check (which `build`
/// still makes, and the preview makes after its pages are served).
fn assert_as_built(
    result: Result<Served, Vec<Diagnostic>>,
    root: &Path,
    editions: &Editions,
    what: &str,
) -> SaveOutcome {
    let (mut built, files) = fresh(root, editions);
    match result {
        Ok(served) => {
            assert_eq!(served.check(), built, "{what}");
            if !built.is_empty() {
                return SaveOutcome::Problems;
            }
            served.assert_same_files(&files);
            SaveOutcome::Clean
        }
        Err(problems) => {
            for at in places(&problems) {
                let Some(i) = built.iter().position(|b| *b == at) else {
                    panic!("{what}: {at:?} is not among {built:?}");
                };
                built.remove(i);
            }
            let link_check = ["broken-link", "missing-image"];
            let rest = built.iter().all(|(code, _, _)| link_check.contains(code));
            assert!(rest, "{what}: the preview did not report {built:?}");
            SaveOutcome::Failed
        }
    }
}

/// Asserts that a build of a preview served what a fresh preview of the
/// same edition makes (an edition in several languages, whose preview
/// shows only its default language, without a switch to the others), with
/// the same problems, or failed as it fails.
fn assert_as_fresh(result: Result<Served, Vec<Diagnostic>>, mut fresh: Preview, what: &str) {
    match (result, first_build(&mut fresh)) {
        (Ok(served), Ok(expected)) => {
            let mut paths: Vec<&String> = served.files.keys().collect();
            paths.sort();
            let mut made: Vec<&String> = expected.files.keys().collect();
            made.sort();
            assert_eq!(paths, made, "{what}");
            for path in paths {
                let same = served.files[path] == expected.files[path];
                assert!(same, "{what}: {path} differs from a fresh preview");
            }
            assert_eq!(served.check(), expected.check(), "{what}");
        }
        (Err(problems), Err(expected)) => {
            assert_eq!(places(&problems), places(&expected), "{what}");
        }
        (served, expected) => panic!("{what}: {served:?}\nbut a fresh preview: {expected:?}"),
    }
}

/// The previews of the root's editions: the model's and `x`'s, which
/// serve what `build` makes, and `w`'s, in English and Welsh.
struct Previews<'r> {
    root: &'r Path,
    english: Vec<(Preview, Editions)>,
    welsh: Preview,
}

impl Previews<'_> {
    fn of(root: &Path, slug: Option<&str>) -> Preview {
        Preview::new(root.to_path_buf(), slug.map(String::from))
    }

    /// Saves `text` to `file` and checks each preview; returns what the
    /// save came to in the English ones, the worst first.
    fn save(&mut self, file: &str, text: &str) -> Vec<SaveOutcome> {
        let root = self.root;
        let what = format!("the save of {file}:\n{text}");
        let mut outcomes = Vec::new();
        for (preview, editions) in &mut self.english {
            let result = save(preview, root, file, text);
            let what = format!("{what}\nin the preview of {editions:?}");
            outcomes.push(assert_as_built(result, root, editions, &what));
        }
        let result = save(&mut self.welsh, root, file, text);
        assert_as_fresh(result, Self::of(root, Some("w")), &what);
        outcomes.sort_by_key(|o| std::cmp::Reverse(*o as u8));
        outcomes
    }
}

/// A run of saves, each of one file of a kind picked at random (from a
/// fixed seed), serves after each save what a fresh build makes, with the
/// problems it reports, or fails with the errors it fails with: in the
/// preview of the model, of an authority in English, and of an authority in
/// English and Welsh. A save that is not clean is followed by a save of
/// the file as it last was, so most saves are made to a root that builds.
#[test]
fn any_run_of_saves_serves_what_a_fresh_build_makes() {
    let dice = Dice(Cell::new(0x9e37_79b9_7f4a_7c15));
    let (dir, mut good) = root_of_every_kind();
    let root = dir.path();
    let mut previews = Previews {
        root,
        english: vec![
            (Previews::of(root, None), Editions::Model),
            (
                Previews::of(root, Some("x")),
                Editions::Authorities(vec!["x".into()]),
            ),
        ],
        welsh: Previews::of(root, Some("w")),
    };
    for (preview, _) in &mut previews.english {
        assert!(first_build(preview).is_ok(), "the root builds at first");
    }
    let _ = first_build(&mut previews.welsh);
    let mut met: HashMap<(String, SaveOutcome), usize> = HashMap::new();
    for _ in 0..32 {
        let (file, text) = any_save(&dice);
        let outcome = previews.save(&file, &text)[0];
        let kind = file
            .rsplit_once('/')
            .map_or(file.as_str(), |(folder, _)| folder);
        *met.entry((kind.to_string(), outcome)).or_default() += 1;
        if outcome == SaveOutcome::Clean {
            good.insert(file, text);
        } else {
            let back = previews.save(&file, &good[&file]);
            assert!(back.iter().all(|o| *o == SaveOutcome::Clean), "{back:?}");
        }
    }
    // Every kind of file was saved cleanly, and each outcome was met.
    let count = |f: &dyn Fn(&(String, SaveOutcome)) -> bool| -> usize {
        met.iter().filter(|(k, _)| f(k)).map(|(_, n)| n).sum()
    };
    for kind in [
        "content",
        "local-overrides/x/overrides",
        "local-overrides/x/examples",
        "local-overrides/x",
        "local-overrides/x/strings",
        "local-overrides/w/translations",
    ] {
        let clean = count(&|(k, o)| k == kind && *o == SaveOutcome::Clean);
        assert!(clean >= 2, "{kind}: {met:?}");
    }
    for outcome in [
        SaveOutcome::Clean,
        SaveOutcome::Problems,
        SaveOutcome::Failed,
    ] {
        assert!(count(&|(_, o)| *o == outcome) >= 3, "{met:?}");
    }
}
