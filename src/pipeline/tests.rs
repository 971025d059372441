//! The pipeline's tests, and the roots and builds its files' tests share.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::support::diagnostic::Severity;
use crate::support::url::PRINT_FILE;

/// A temporary root (with no themes folder: the built-in theme is used)
/// of a home page and two pages, the second linking to the first, and
/// the authority `x` with one local page.
pub(crate) fn small_root() -> tempfile::TempDir {
    crate::stages::load::tests::root_with(&[
        (
            "content/_index.md",
            "---\nid: home\ntitle: Home\n---\nWelcome.\n",
        ),
        ("content/a.md", &page_a("Text of A.")),
        ("content/b.md", &page_b("See [[a#first]].")),
        (
            "local-overrides/x/authority.yaml",
            crate::model::authority::tests::SETTINGS,
        ),
        (
            "local-overrides/x/pages/local.md",
            "---\nid: local\ntitle: Our page\nparent: a\n---\nLocal text.\n",
        ),
    ])
}

pub(crate) fn page_a(text: &str) -> String {
    format!("---\nid: a\ntitle: Page A\nweight: 1\n---\n## First {{#first}}\n\n{text}\n")
}

pub(crate) fn page_b(text: &str) -> String {
    format!("---\nid: b\ntitle: Page B\nweight: 2\n---\n{text}\n")
}

/// The request of `build --no-search` for `editions` of the root.
pub(crate) fn fresh_request(root: &Path, editions: &Editions) -> Request {
    Request {
        cache: None,
        root: root.to_path_buf(),
        editions: editions.clone(),
        today: today(),
        search: false,
        history: false,
    }
}

/// What `build --no-search` of `editions` of the root says and writes:
/// where each error is, sorted, and the files it writes, by path (none
/// when there are errors).
pub(crate) fn fresh(root: &Path, editions: &Editions) -> (Vec<Place>, HashMap<String, Vec<u8>>) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = build(&fresh_request(root, editions), &site, &|_, _| {}).unwrap();
    let errors = run
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error);
    let mut at: Vec<Place> = errors.map(place_of).collect();
    at.sort();
    let files = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(&site).unwrap();
            let path = path.to_string_lossy().replace('\\', "/");
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect();
    (at, files)
}

/// What `build --no-search` writes of `editions` of the root, by path,
/// which must have no errors.
pub(crate) fn fresh_build(root: &Path, editions: &Editions) -> HashMap<String, Vec<u8>> {
    let (errors, files) = fresh(root, editions);
    assert!(errors.is_empty(), "{errors:?}");
    files
}

/// Where an error is: its code, file and line.
pub(crate) type Place = (&'static str, Option<String>, Option<usize>);

pub(crate) fn place_of(d: &Diagnostic) -> Place {
    let file = d.file_path().map(str::to_string);
    (d.code, file, d.line_col().map(|(line, _)| line))
}

/// What one build of a preview served: its files by path, the paths its
/// first step made again, and where each of its edition's sites writes
/// each link.
#[derive(Debug)]
pub(crate) struct Served {
    pub files: HashMap<String, Arc<[u8]>>,
    pub changed: Vec<String>,
    pub written: Vec<Written<'static>>,
}

impl Served {
    /// The errors the checks of the made site find (see [`check_made`]),
    /// where they are, sorted.
    pub fn check(&self) -> Vec<Place> {
        let files: Vec<OutputFile> = self
            .files
            .iter()
            .map(|(path, bytes)| OutputFile {
                path: path.clone(),
                content: Content::Bytes(bytes.to_vec()),
            })
            .collect();
        let mut at: Vec<_> = check_made(&self.written, &files, None)
            .errors
            .iter()
            .map(place_of)
            .collect();
        at.sort();
        at
    }

    /// Asserts that the files served are those `build --no-search` of
    /// `editions` of the root makes, byte for byte.
    pub fn assert_same_as_built(&self, root: &Path, editions: &Editions) {
        self.assert_same_files(&fresh_build(root, editions));
    }

    /// Asserts that the files served are `built`, byte for byte.
    pub fn assert_same_files(&self, built: &HashMap<String, Vec<u8>>) {
        let mut paths: Vec<&String> = built.keys().collect();
        paths.sort();
        let mut served: Vec<&String> = self.files.keys().collect();
        served.sort();
        assert_eq!(served, paths, "the preview makes the files a build makes");
        for path in paths {
            assert!(
                *self.files[path] == *built[path],
                "{path} differs from a fresh build"
            );
        }
    }
}

/// Builds `preview` from scratch.
pub(crate) fn first_build(preview: &mut Preview) -> Result<Served, Vec<Diagnostic>> {
    build_preview(preview, None)
}

/// Saves `text` to `relative` under `root`, the preview's root, and builds
/// the preview again.
pub(crate) fn save(
    preview: &mut Preview,
    root: &Path,
    relative: &str,
    text: &str,
) -> Result<Served, Vec<Diagnostic>> {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    build_preview(preview, Some(&[path]))
}

/// Builds `preview` after `changed` files were saved: the files of its two
/// steps, by path, and the paths the first made again.
fn build_preview(
    preview: &mut Preview,
    changed: Option<&[PathBuf]>,
) -> Result<Served, Vec<Diagnostic>> {
    let mut files = HashMap::new();
    let mut changed_paths = Vec::new();
    let mut kinds = Vec::new();
    let written = preview.build(changed, &mut |step| {
        let made = match step {
            Step::Pages(made, _) => {
                kinds.push("pages");
                assert!(made
                    .files
                    .iter()
                    .all(|(path, _)| !path.ends_with(PRINT_FILE)));
                changed_paths = made.changed.clone();
                made
            }
            Step::Print(made) => {
                kinds.push("print");
                let paths: Vec<&str> = made.files.iter().map(|(p, _)| p.as_str()).collect();
                assert!(paths.contains(&PRINT_FILE), "{paths:?}");
                assert!(paths.iter().all(|p| p.ends_with(PRINT_FILE)), "{paths:?}");
                made
            }
        };
        files.extend(made.files);
    })?;
    assert_eq!(
        kinds,
        ["pages", "print"],
        "pages first, then the print view"
    );
    Ok(Served {
        files,
        changed: changed_paths,
        written,
    })
}

#[test]
fn slugs_name_the_editions() {
    assert_eq!(Editions::from_slugs(Vec::new()), Editions::Every);
    let slugs = ["b", "a", "b"].map(String::from).to_vec();
    assert_eq!(
        Editions::from_slugs(slugs),
        Editions::Authorities(vec!["b".into(), "a".into()]),
        "in the order given, each once"
    );
    assert!(!Editions::Every.single());
    assert!(Editions::Model.single());
    assert!(Editions::from_slugs(vec!["a".into()]).single());
}

#[test]
fn with_edition_gives_one_linked_authority_edition_or_every_problem() {
    let dir = small_root();
    let pages = with_edition(dir.path(), "x", |linked| {
        linked
            .pages
            .iter()
            .map(|p| p.page.id().to_string())
            .collect::<Vec<_>>()
    })
    .unwrap();
    assert_eq!(pages, ["home", "a", "local", "b", "credits"]);

    let problems = with_edition(dir.path(), "y", |_| ()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, "unknown-authority");
    assert!(problems[0].message.contains("`y`"));

    std::fs::write(
        dir.path().join("content/b.md"),
        "---\nid: b\ntitle: B\n---\nSee [[c]].\n",
    )
    .unwrap();
    let problems = with_edition(dir.path(), "x", |_| ()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file_path(), Some("content/b.md"));
}

/// Pieces of Markdown without the author's own HTML, each a way the
/// Markdown writer's bytes and the sanitiser's could differ.
const PLAIN_PIECES: &[&str] = &[
    "Quotes \"double\" and 'single' and it's & so < and > here.",
    "A no-break space: 10\u{a0}kg, and a soft\u{ad}hyphen, zero\u{200b}width, é 漢字 😀.",
    "Entities: &nbsp; &quot; &#39; &amp; &lt; &copy; &#x27; &mdash; &#16;.",
    "## Heading with attributes {#custom-N .wide data-x=1}",
    "## Heading marked {.editorial}",
    "## Plain heading N",
    "[ok](https://example.org/a?b=1&c=2) [title](https://example.org \"A \\\"title\\\" 'here'\") [mail](mailto:a@b.org) <https://auto.example/x?y=1&z=2> <someone@example.org> [tel](tel:+441234) [odd](//example.org/x)",
    "![an image](assets/plan.png) ![titled](assets/plan.png \"t\")",
    "```js\nlet a = \"<script>\";\n```",
    "```weird\"info\nx\n```",
    "```\nplain code & <b>\n```",
    "    indented <b>code</b>",
    "| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | b \"q\" | c |",
    "Term\n: Definition with `code` and **strong** ~~gone~~.",
    "A note.[^nN]\n\n[^nN]: The note's text with a [link](https://example.org).",
    "[[home]] and [[home|the home page]] and [[a#first]].",
    "Line with trailing spaces  \nhard break.",
    "* item with <not a tag and 3 < 4 > 2\n* second",
    "> A quote with *emphasis*.\n\n***",
    "\\<escaped> and \\& and \\*",
    "Windows line\r\nendings\r\nhere.",
];

/// Text with none of the author's HTML is published without the
/// sanitiser's second parse where its bytes allow: every page and the
/// print view are byte for byte what the whole allow-list makes, for
/// every pair of pieces that could tell them apart.
#[test]
fn text_published_as_written_is_what_the_allow_list_makes_of_it() {
    let mut files = vec![
        (
            "content/_index.md".to_string(),
            "---\nid: home\ntitle: Home\n---\nWelcome.\n".to_string(),
        ),
        ("content/a.md".to_string(), page_a("Text of A.")),
    ];
    let mut n = 0;
    for (i, first) in PLAIN_PIECES.iter().enumerate() {
        for second in &PLAIN_PIECES[i + 1..] {
            n += 1;
            let text = format!("{first}\n\n{second}\n").replace('N', &n.to_string());
            files.push((
                format!("content/plain-{n}.md"),
                format!("---\nid: plain-{n}\ntitle: Plain {n}\nweight: {n}\n---\n\n{text}"),
            ));
        }
    }
    let listed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let root = crate::stages::load::tests::root_with(&listed);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in walkdir::WalkDir::new(repo.join("themes")) {
        let entry = entry.unwrap();
        let to = root.path().join(entry.path().strip_prefix(repo).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::copy(
        repo.join("tests/fixtures/plan.png"),
        root.path().join("themes/default/static/plan.png"),
    )
    .unwrap();
    use std::sync::atomic::Ordering;
    let before = crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed);
    let written = fresh_build(root.path(), &Editions::Model);
    assert!(
        crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed) - before > n / 2,
        "texts published as written: {} for {n} pages",
        crate::stages::render::AS_WRITTEN.load(Ordering::Relaxed) - before
    );
    crate::stages::render::ALWAYS_CLEAN.store(true, Ordering::Relaxed);
    let cleaned = fresh_build(root.path(), &Editions::Model);
    crate::stages::render::ALWAYS_CLEAN.store(false, Ordering::Relaxed);
    assert_eq!(written.len(), cleaned.len());
    for (path, bytes) in &cleaned {
        assert!(
            written.get(path) == Some(bytes),
            "{path} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(written.get(path).map_or(&[][..], |b| b)),
            String::from_utf8_lossy(bytes)
        );
    }
}
