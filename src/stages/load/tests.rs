//! The load stage, tried on small roots made in temporary folders.

use super::*;

/// A page parsed from `text`, as if read from `path`.
pub(crate) fn page(path: &str, text: &str) -> Page {
    Page::parse(SourceFile::new(path, text.to_string()), &mut Vec::new()).unwrap()
}

/// A model of these pages, with the settings of a root without `handbook.yaml`.
pub(crate) fn model_of(pages: Vec<Page>) -> Model {
    Model {
        meta: HandbookMeta::fallback(),
        pages: pages.into_iter().map(|p| (p.id().to_string(), p)).collect(),
        broken_ids: BTreeSet::new(),
        removed: Default::default(),
    }
}

/// A temporary root with these files (relative path, text).
pub(crate) fn root_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn page_text(id: &str, title: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: {title}\n---\n{body}")
}

/// A root of a home page, a page beside it and a folder of two pages,
/// and the authority `x` with one override, one example and one page.
fn small_root() -> tempfile::TempDir {
    root_with(&[
        (
            "content/_index.md",
            &page_text("start", "Start", "Welcome.\n"),
        ),
        (
            "content/about.md",
            &page_text("about", "About", "About text.\n"),
        ),
        (
            "content/guide/_index.md",
            &page_text("guide", "Guide", "Guide text.\n"),
        ),
        (
            "content/guide/step.md",
            &page_text("step", "A step", "Step text.\n"),
        ),
        (
            "content/guide/deeper/_index.md",
            &page_text("deeper", "Deeper", "Deep.\n"),
        ),
        (
            "local-overrides/x/authority.yaml",
            crate::model::authority::tests::SETTINGS,
        ),
        (
            OVERRIDE,
            "---\ntarget: about\naction: append\n---\nLocal about.\n",
        ),
        (
            "local-overrides/x/examples/ex-one.md",
            "---\nid: ex-one\ntitle: One\nattach: [step]\n---\nExample text.\n",
        ),
        (
            LOCAL_PAGE,
            "---\nid: local\ntitle: Local\nparent: guide\n---\nLocal text.\n",
        ),
    ])
}

fn load_all(root: &Path) -> (Sources, Vec<Diagnostic>) {
    let diagnostics = Diagnostics::new();
    let sources = load(root, &Selection::All, &diagnostics);
    (sources, diagnostics.into_sorted())
}

#[test]
fn pages_authorities_and_folder_parents_are_read() {
    let dir = small_root();
    let (sources, problems) = load_all(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    let model = &sources.model;
    let ids: Vec<&str> = model.pages.keys().map(String::as_str).collect();
    // The credits page every footer links to is made when the root has none.
    assert_eq!(
        ids,
        ["about", "credits", "deeper", "guide", "start", "step"]
    );
    assert_eq!(model.home(), "start");
    assert_eq!(model.meta.title, HandbookMeta::fallback().title);
    let parent = |id: &str| model.pages[id].folder_parent.as_deref();
    assert_eq!(parent("start"), None, "home sits under nothing");
    assert_eq!(parent("about"), Some("start"));
    assert_eq!(
        parent("guide"),
        Some("start"),
        "a folder's page sits above it"
    );
    assert_eq!(parent("step"), Some("guide"));
    assert_eq!(parent("deeper"), Some("guide"));
    assert_eq!(model.pages["step"].file.path, "content/guide/step.md");
    assert_eq!(model.pages["step"].body(), "Step text.\n");

    assert_eq!(sources.authorities.len(), 1);
    let x = &sources.authorities[0];
    assert_eq!(x.slug, "x");
    assert_eq!(x.config.name, "X Council");
    assert_eq!(
        x.overrides[0].file.path,
        "local-overrides/x/overrides/about.md"
    );
    assert_eq!(x.examples[0].id, "ex-one");
    assert_eq!(x.pages[0].id(), "local");
}

#[test]
fn a_root_without_a_home_page_gets_one_from_its_settings() {
    let dir = root_with(&[
        ("content/handbook.yaml", "title: Our guide\npublisher: P\nversion: \"1\"\ndate: 2026-01-01\nlicence: L\nattribution: A\n"),
        ("content/a.md", &page_text("a", "A", "Text.\n")),
    ]);
    let (sources, problems) = load_all(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(sources.model.meta.title, "Our guide");
    assert_eq!(sources.model.home(), "home");
    assert_eq!(sources.model.pages["home"].meta.title, "Our guide");
    assert!(sources.authorities.is_empty());
}

#[test]
fn broken_files_are_reported_with_their_paths_and_left_out() {
    let dir = small_root();
    let content = dir.path().join("content");
    std::fs::write(
        content.join("latin1.md"),
        b"---\nid: latin\ntitle: Caf\xe9\n---\n",
    )
    .unwrap();
    std::fs::write(content.join("twice.md"), page_text("about", "Again", "")).unwrap();
    std::fs::write(
        content.join("bad.md"),
        "---\nid: bad\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(content.join("nowhere.md"), content.join("gone.md")).unwrap();
    let (sources, problems) = load_all(dir.path());
    let found: Vec<(&str, Option<&str>)> =
        problems.iter().map(|p| (p.code, p.file_path())).collect();
    let mut expected = vec![
        ("not-utf8", Some("content/latin1.md:3")),
        ("duplicate-id", Some("content/twice.md")),
    ];
    #[cfg(unix)]
    expected.push(("unreadable", Some("content/gone.md")));
    for want in expected {
        assert!(found.contains(&want), "{want:?} not in {found:?}");
    }
    let bad = problems
        .iter()
        .find(|p| p.file_path() == Some("content/bad.md"))
        .expect("the page with broken front matter is reported");
    assert_eq!(bad.line_col().map(|(line, _)| line), Some(3));
    // What could be read is still there; the broken page's id is
    // remembered, so links to it are not reported twice.
    assert_eq!(sources.model.pages["about"].meta.title, "About");
    assert!(!sources.model.pages.contains_key("latin"));
    assert!(sources.model.broken_ids.contains("bad"));
}

#[test]
fn files_editors_leave_behind_are_ignored_without_a_word() {
    let dir = small_root();
    let content = dir.path().join("content");
    #[cfg(unix)]
    std::os::unix::fs::symlink("root@host.1234:1700000000", content.join(".#about.md")).unwrap();
    for name in [
        "about.md~",
        ".DS_Store",
        "Thumbs.db",
        "4913",
        "guide/.step.md.swp",
    ] {
        std::fs::write(content.join(name), "\0 not a page").unwrap();
    }
    let (sources, problems) = load_all(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(sources.model.pages.len(), 6);
    assert_eq!(sources.model.pages["about"].body(), "About text.\n");
}

#[test]
fn an_unknown_authority_and_a_folder_without_settings_are_reported() {
    let dir = small_root();
    std::fs::create_dir_all(dir.path().join("local-overrides/y/overrides")).unwrap();
    let diagnostics = Diagnostics::new();
    let only = Selection::Only(vec!["z".into(), "x".into()]);
    let sources = load(dir.path(), &only, &diagnostics);
    assert_eq!(sources.authorities.len(), 1);
    let problems = diagnostics.into_sorted();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, "unknown-authority");
    assert!(problems[0].message.contains("`z`"));
    assert!(problems[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("local-overrides/"));
    let (_, problems) = load_all(dir.path());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, "no-authority-settings");
    assert_eq!(problems[0].file_path(), Some("local-overrides/y/"));
}

/// The small root, loaded, to save files into and reload them.
struct Saving {
    dir: tempfile::TempDir,
    sources: Sources,
}

impl Saving {
    fn new(selection: Selection) -> Self {
        let dir = small_root();
        let sources = load(dir.path(), &selection, &Diagnostics::new());
        Self { dir, sources }
    }

    /// Writes each `(relative path, text)` and reloads them all.
    fn save(&mut self, files: &[(&str, &str)]) -> Option<Reloaded> {
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(relative, text)| {
                let path = self.dir.path().join(relative);
                std::fs::write(&path, text).unwrap();
                path
            })
            .collect();
        reload(&mut self.sources, &paths)
    }

    fn body(&self, id: &str) -> &str {
        self.sources.model.pages[id].body()
    }
}

const LOCAL_PAGE: &str = "local-overrides/x/pages/local.md";
const OVERRIDE: &str = "local-overrides/x/overrides/about.md";
const PREPEND: &str = "---\ntarget: about\naction: prepend\n---\nLocal about.\n";

#[test]
fn reload_reads_a_changed_body_in_place() {
    let mut saving = Saving::new(Selection::All);
    let step = page_text("step", "A step", "New step text.\n");
    let local = "---\nid: local\ntitle: Local\nparent: guide\n---\nNew local text.\n";
    let reloaded = saving.save(&[("content/guide/step.md", &step), (LOCAL_PAGE, local)]);
    let reloaded = reloaded.expect("an edit is reloaded");
    assert_eq!(reloaded.bodies, ["step", "local"]);
    assert!(!reloaded.more, "only bodies changed");
    assert_eq!(saving.body("step"), "New step text.\n");
    let parent = saving.sources.model.pages["step"].folder_parent.as_deref();
    assert_eq!(parent, Some("guide"), "its place is kept");
    let local = &saving.sources.authorities[0].pages[0];
    assert_eq!(local.body(), "New local text.\n");
}

#[test]
fn reload_tells_front_matter_overrides_and_examples_apart_from_bodies() {
    let mut saving = Saving::new(Selection::All);
    let about = page_text("about", "About us", "About text.\n");
    let reloaded = saving.save(&[("content/about.md", &about)]).unwrap();
    assert!(reloaded.bodies.is_empty() && reloaded.more);
    assert_eq!(saving.sources.model.pages["about"].meta.title, "About us");

    let example = "---\nid: ex-one\ntitle: One, again\nattach: [step]\n---\nExample.\n";
    let example_file = "local-overrides/x/examples/ex-one.md";
    let reloaded = saving.save(&[(OVERRIDE, PREPEND), (example_file, example)]);
    assert!(reloaded.unwrap().more);
    let x = &saving.sources.authorities[0];
    assert_eq!(
        x.overrides[0].action,
        crate::model::authority::Action::Prepend
    );
    assert_eq!(x.examples[0].title, "One, again");
}

#[test]
fn reload_gives_up_on_new_deleted_renamed_or_broken_files_and_changes_nothing() {
    let mut saving = Saving::new(Selection::All);
    let edited = page_text("about", "About", "Edited.\n");
    let new = page_text("new", "New", "New.\n");
    let both = [
        ("content/about.md", edited.as_str()),
        ("content/new.md", &new),
    ];
    assert_eq!(saving.save(&both), None, "a new file");
    assert_eq!(saving.body("about"), "About text.\n", "nothing changed");

    let deleted = saving.dir.path().join("content/guide/step.md");
    std::fs::remove_file(&deleted).unwrap();
    assert_eq!(
        reload(&mut saving.sources, &[deleted]),
        None,
        "a deleted file"
    );

    let renamed = page_text("about-us", "About", "");
    assert_eq!(
        saving.save(&[("content/about.md", &renamed)]),
        None,
        "a changed id"
    );
    let broken = "---\nid: about\ntitle: [\n---\n";
    assert_eq!(
        saving.save(&[("content/about.md", broken)]),
        None,
        "a broken file"
    );
    let settings = (
        "local-overrides/x/authority.yaml",
        crate::model::authority::tests::SETTINGS,
    );
    assert_eq!(saving.save(&[settings]), None, "settings");
    assert!(saving.sources.model.pages.contains_key("step"));
    assert_eq!(saving.body("about"), "About text.\n");
}

#[test]
fn reload_ignores_an_authority_the_preview_does_not_show() {
    let mut saving = Saving::new(Selection::Only(Vec::new()));
    assert!(saving.sources.authorities.is_empty());
    let reloaded = saving.save(&[(OVERRIDE, PREPEND)]);
    assert_eq!(reloaded, Some(Reloaded::default()));
}
