//! Broken and hostile input: every case gets a clear message naming the file,
//! never a panic or a hang, and never damages the output already published.
//!
//! Each case starts from a good build, breaks (or attacks) a copy of the
//! handbook, and runs the real binary again into the same output folder.
//! Errors must fail the run (exit 1) and leave the previous output
//! byte-identical; unsafe HTML that is removed rather than refused is a
//! warning (`check --deny-warnings` fails) and never reaches the published
//! pages.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;

/// No run may take longer than this: a hang is a failure.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What a run printed and how it ended.
struct Ran {
    code: Option<i32>,
    text: String,
}

/// Runs `handbook` on a root, killing it if it runs past [`TIME_LIMIT`].
fn run(root: &Path, args: &[&str]) -> Ran {
    let mut child = handbook_command(root, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the handbook binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("handbook {args:?} hung: killed after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out_reader.join().unwrap()),
        String::from_utf8_lossy(&err_reader.join().unwrap())
    );
    Ran {
        code: status.code(),
        text,
    }
}

/// The good output of the shipped model alone, built once.
fn model_build() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = BUILT.get_or_init(|| {
        let root = copy_of_model();
        let out = root.path().join("good");
        let ran = run(root.path(), &["build", "--out", out.to_str().unwrap()]);
        assert_eq!(ran.code, Some(0), "{}", ran.text);
        (root, out)
    });
    out
}

/// Which handbook a case starts from.
#[derive(Clone, Copy)]
enum Start {
    /// The model and theme only.
    Model,
    /// The model, theme and both demonstration authorities.
    Shipped,
}

/// A copy of a good handbook with its good output already in `public/`.
struct Case {
    root: tempfile::TempDir,
    out: PathBuf,
    before: BTreeMap<PathBuf, Vec<u8>>,
    /// A folder outside the handbook, for files a case links to from inside it.
    outside: tempfile::TempDir,
}

impl Case {
    fn new(start: Start) -> Self {
        let (root, good) = match start {
            Start::Model => (copy_of_model(), model_build()),
            Start::Shipped => (copy_of_shipped(), shipped_build()),
        };
        let out = root.path().join("public");
        copy_dir(good, &out);
        let before = snapshot(&out);
        assert!(!before.is_empty());
        Self {
            root,
            out,
            before,
            outside: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    fn replace(&self, file: &str, from: &str, to: &str) {
        let path = self.path().join(file);
        let text = read(&path);
        assert!(text.contains(from), "{file} lacks {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// Puts a paragraph of `text` in step 4 of the model, before its
    /// social-work-role section.
    fn insert_in_step_4(&self, text: &str) {
        let heading = "## The social work role";
        self.replace(
            "content/step-4.md",
            heading,
            &format!("{text}\n\n{heading}"),
        );
    }

    fn write(&self, file: &str, text: &str) {
        write(self.path(), file, text);
    }

    /// Adds `text` at the end of a file.
    fn append(&self, file: &str, text: &str) {
        let old = read(self.path().join(file));
        self.write(file, &format!("{old}{text}"));
    }

    /// Copies Exampleshire's folder as another authority's, named `folder`.
    fn copy_authority(&self, folder: &str) {
        copy_dir(
            &self.path().join("local-overrides/exampleshire"),
            &self.path().join("local-overrides").join(folder),
        );
    }

    fn build(&self) -> Ran {
        self.build_with(&[])
    }

    /// `build` with `flags` added.
    fn build_with(&self, flags: &[&str]) -> Ran {
        let mut args = vec!["build", "--out", self.out.to_str().unwrap()];
        args.extend_from_slice(flags);
        run(self.path(), &args)
    }

    /// The build must fail cleanly, name every one of `named`, and leave the
    /// previous output exactly as it was. Returns what it printed.
    fn refused(&self, named: &[&str]) -> String {
        self.refused_with(&[], named)
    }

    /// [`Case::refused`] for a build with `flags` added.
    fn refused_with(&self, flags: &[&str], named: &[&str]) -> String {
        let ran = self.build_with(flags);
        let all = &ran.text;
        assert_eq!(ran.code, Some(1), "expected exit 1:\n{all}");
        assert!(!all.contains("panicked"), "handbook panicked:\n{all}");
        for name in named {
            assert!(all.contains(name), "{name:?} is not named:\n{all}");
        }
        assert!(
            all.contains("previous output is unchanged"),
            "the summary says nothing was written:\n{all}"
        );
        assert!(
            snapshot(&self.out) == self.before,
            "the previous output changed after a failed build:\n{all}"
        );
        self.no_temporary_folders();
        // `check` says the same, with the file named.
        let checked = run(self.path(), &["check"]);
        assert_eq!(
            checked.code,
            Some(1),
            "check must fail too:\n{}",
            checked.text
        );
        for name in named {
            assert!(
                checked.text.contains(name),
                "check does not name {name:?}:\n{}",
                checked.text
            );
        }
        ran.text
    }

    /// `check` passes but warns, naming the file; `check --deny-warnings`
    /// fails; the build succeeds and none of `never_published` reaches any
    /// published file. Returns what `check` printed.
    fn warned(&self, named: &[&str], never_published: &[&str]) -> String {
        let checked = run(self.path(), &["check"]);
        assert_eq!(checked.code, Some(0), "{}", checked.text);
        let strict = run(self.path(), &["check", "--deny-warnings"]);
        let all = &strict.text;
        assert_eq!(strict.code, Some(1), "expected exit 1:\n{all}");
        assert!(!all.contains("panicked"), "handbook panicked:\n{all}");
        assert!(all.contains("warning"), "{all}");
        for name in named {
            assert!(all.contains(name), "{name:?} is not named:\n{all}");
        }
        assert!(
            snapshot(&self.out) == self.before,
            "check changed the output"
        );
        let built = self.build();
        assert_eq!(built.code, Some(0), "{}", built.text);
        for (path, bytes) in snapshot(&self.out) {
            let text = String::from_utf8_lossy(&bytes);
            for bad in never_published {
                assert!(
                    !text.contains(bad),
                    "{bad:?} was published in {}",
                    path.display()
                );
            }
        }
        self.no_temporary_folders();
        strict.text
    }

    fn no_temporary_folders(&self) {
        assert_no_temporary_folders(self.path());
    }
}

/// A page that would be good, with `body` as its text.
fn page(id: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: \"A test page\"\nparent: home\nweight: 900\n---\n{body}\n")
}

// ---------------------------------------------------------------- cases

/// How a hostile case must end.
#[derive(Clone, Copy)]
enum Ends {
    /// The build and `check` fail, naming each of these, and the previous
    /// output is untouched ([`Case::refused`]).
    Refused(&'static [&'static str]),
    /// `check` warns, naming each of the first; none of the second reaches
    /// a published file ([`Case::warned`]).
    Warned(&'static [&'static str], &'static [&'static str]),
}

use Ends::{Refused, Warned};
use Start::{Model, Shipped};

/// One case of a table: what is done to a copy of a good handbook, and how
/// the run must end.
struct Hostile {
    name: &'static str,
    start: Start,
    change: fn(&Case),
    ends: Ends,
}

/// Tries every case of a table, each on its own copy of the handbook.
fn try_each(cases: &[Hostile]) {
    each_case(
        cases,
        |hostile| hostile.name,
        |hostile| {
            let case = Case::new(hostile.start);
            (hostile.change)(&case);
            match hostile.ends {
                Refused(named) => {
                    case.refused(named);
                }
                Warned(named, never_published) => {
                    case.warned(named, never_published);
                }
            }
        },
    );
}

// ---------------------------------------------------------------- front matter

#[test]
#[rustfmt::skip] // a table: one case a line
fn broken_front_matter_is_refused_at_its_place() {
    try_each(&[
        Hostile { name: "malformed YAML", start: Model, change: |case| case.replace("content/step-5.md", "weight: 70", "weight: [70"), ends: Refused(&["content/step-5.md:4:"]) },
        Hostile { name: "unclosed front matter", start: Model, change: |case| case.replace("content/step-5.md", "\n---\n", "\n\n"), ends: Refused(&["content/step-5.md", "never closed", "help:"]) },
        Hostile { name: "no front matter", start: Model, change: |case| case.write("content/notes.md", "Just some notes, with no settings at all.\n"), ends: Refused(&["content/notes.md:1:1", "no front matter"]) },
        Hostile { name: "an empty file", start: Model, change: |case| case.write("content/empty.md", ""), ends: Refused(&["content/empty.md", "no front matter"]) },
        Hostile { name: "a typo in a key", start: Model, change: |case| case.replace("content/step-5.md", "weight: 70", "wieght: 70"), ends: Refused(&["content/step-5.md:4:1", "did you mean `weight`"]) },
        Hostile { name: "a date that is not a date", start: Model, change: |case| case.replace("content/step-5.md", "weight: 70", "weight: 70\nlast_reviewed: next Tuesday"), ends: Refused(&["content/step-5.md:5:"]) },
        Hostile { name: "deeply nested YAML", start: Model, ends: Refused(&["content/step-5.md"]), change: |case| {
            let deep = format!("summary: {}x{}", "[".repeat(5_000), "]".repeat(5_000));
            case.replace("content/step-5.md", "weight: 70", &format!("weight: 70\n{deep}"));
        } },
        Hostile { name: "huge front matter", start: Model, ends: Refused(&["content/step-5.md", "front matter is"]), change: |case| {
            let mut big = String::from("changes:\n");
            for i in 0..4_000 {
                big.push_str(&format!("  - {{ date: 2020-01-01, note: \"change number {i} of very many\" }}\n"));
            }
            case.replace("content/step-5.md", "weight: 70\n", &format!("weight: 70\n{big}"));
        } },
        Hostile { name: "a huge page", start: Model, ends: Refused(&["content/huge.md", "the limit is"]), change: |case| {
            let line = "This sentence is repeated to make a page far larger than any real page.\n";
            case.write("content/huge.md", &page("huge", &line.repeat(5 * 1024 * 1024 / line.len() + 1)));
        } },
    ]);
}

#[test]
fn a_yaml_alias_bomb() {
    let case = Case::new(Start::Model);
    let mut bomb = String::from("summary: &a0 \"lol\"\n");
    for i in 1..=9 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "x{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    case.replace(
        "content/step-5.md",
        "weight: 70\n",
        &format!("weight: 70\n{bomb}"),
    );
    let out = case.refused(&["content/step-5.md"]);
    assert!(!out.contains("lollollol"), "{out}");
}

#[test]
fn an_alias_bomb_in_authority_settings() {
    let case = Case::new(Start::Shipped);
    let mut bomb = String::from(
        "bomb0: &b0 [\"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\"]\n",
    );
    for i in 1..=12 {
        bomb.push_str(&format!(
            "bomb{i}: &b{i} [*b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}, *b{p}]\n",
            p = i - 1
        ));
    }
    let file = "local-overrides/exampleshire/authority.yaml";
    let text = read(case.path().join(file));
    std::fs::write(case.path().join(file), format!("{bomb}{text}")).unwrap();
    case.refused(&[file]);
}

// ---------------------------------------------------------------- bytes

#[test]
fn invalid_utf8() {
    let case = Case::new(Start::Model);
    let path = case.path().join("content/step-5.md");
    let mut bytes = std::fs::read(&path).unwrap();
    let third_line = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(1)
        .unwrap()
        .0
        + 1;
    bytes.splice(third_line..third_line, [0xc3, 0x28, 0xff]);
    std::fs::write(&path, bytes).unwrap();
    case.refused(&["content/step-5.md:3", "UTF-8"]);
}

#[test]
fn nul_bytes() {
    let case = Case::new(Start::Model);
    let path = case.path().join("content/step-5.md");
    let mut text = std::fs::read(&path).unwrap();
    let end = text.len();
    text.splice(end..end, *b"\nA line with a \0 in it.\n");
    std::fs::write(&path, text).unwrap();
    case.refused(&["content/step-5.md", "NUL"]);
}

#[test]
fn utf16_text() {
    let case = Case::new(Start::Model);
    let utf16: Vec<u8> = page("utf16-page", "Saved by a word processor.")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(utf16);
    std::fs::write(case.path().join("content/utf16.md"), bytes).unwrap();
    case.refused(&["content/utf16.md"]);
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_accepted() {
    let case = Case::new(Start::Model);
    let path = case.path().join("content/step-5.md");
    let text = read(&path).replace('\n', "\r\n");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(text.as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let ran = case.build();
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    let html = read(case.out.join("model/step-5.html"));
    assert!(
        html.contains("id=\"social-work-role\""),
        "the sections are read"
    );
    assert!(!html.contains('\r'), "no CR reaches the page");
    assert!(
        !html.contains('\u{feff}'),
        "no byte-order mark reaches the page"
    );
}

#[test]
fn crlf_errors_point_at_the_right_line() {
    let case = Case::new(Start::Model);
    let path = case.path().join("content/step-5.md");
    let text = read(&path);
    let line = text
        .lines()
        .position(|l| l.starts_with("## The social work role"))
        .unwrap()
        + 1;
    let broken = text
        .replacen(
            "## The social work role",
            "See [[step-99]].\n\n## The social work role",
            1,
        )
        .replace('\n', "\r\n");
    std::fs::write(&path, format!("\u{feff}{broken}")).unwrap();
    case.refused(&[&format!("content/step-5.md:{line}:5")]);
}

// ---------------------------------------------------------------- ids and links

/// The council page the cases below add to.
const PANEL_PAGE: &str = "local-overrides/exampleshire/pages/resource-allocation-panel.md";

/// The override the cases below change.
const LOCAL_PANEL: &str = "local-overrides/exampleshire/overrides/step-3-local-panel.md";

#[test]
#[rustfmt::skip] // a table: one case a line
fn unknown_duplicate_and_escaping_ids_are_refused() {
    try_each(&[
        Hostile { name: "an unknown id", start: Model, change: |case| case.replace("content/step-6.md", "## The social work role", "See [[step-99]].\n\n## The social work role"), ends: Refused(&["content/step-6.md:", "step-99"]) },
        Hostile { name: "a duplicate id", start: Model, ends: Refused(&["content/step-2-copy.md", "content/step-2.md", "step-2"]), change: |case| {
            let step2 = read(case.path().join("content/step-2.md"));
            case.write("content/step-2-copy.md", &step2);
        } },
        Hostile { name: "an unknown variable", start: Shipped, change: |case| case.append(PANEL_PAGE, "\nCall {{ vars.no_such_thing }}.\n"), ends: Refused(&[PANEL_PAGE, "vars.no_such_thing"]) },
        Hostile { name: "a bad override target", start: Shipped, change: |case| case.replace(LOCAL_PANEL, "target: step-3#systems-practice-support", "target: step-3#no-such-section"), ends: Refused(&[LOCAL_PANEL, "no-such-section"]) },
        Hostile { name: "a target with `..`", start: Shipped, change: |case| case.replace(LOCAL_PANEL, "target: step-3#systems-practice-support", "target: ../../content/step-3"), ends: Refused(&[LOCAL_PANEL]) },
        Hostile { name: "two overrides clash", start: Shipped, ends: Refused(&["local-overrides/exampleshire/overrides/zz-clash"]), change: |case| {
            for (file, which, text) in [("zz-clash", "second", "Other text."), ("zz-clash-2", "third", "Yet other text.")] {
                case.write(
                    &format!("local-overrides/exampleshire/overrides/{file}.md"),
                    &format!("---\ntarget: step-3#systems-practice-support\naction: replace\nreason: \"A {which} replacement of the same section.\"\n---\n{text}\n"),
                );
            }
        } },
        Hostile { name: "`..` in an example's id", start: Shipped, change: |case| case.write("local-overrides/exampleshire/examples/ex-escape.md", "---\nid: ../ex-escape\ntitle: \"Escape\"\nattach: [step-3]\n---\nText.\n"), ends: Refused(&["local-overrides/exampleshire/examples/ex-escape.md", "../ex-escape"]) },
        Hostile { name: "an absolute path as a page id", start: Model, change: |case| case.write("content/abs.md", &page("/tmp/abs", "Absolute.")), ends: Refused(&["content/abs.md", "/tmp/abs"]) },
        Hostile { name: "a page id Windows reserves", start: Model, change: |case| case.write("content/console.md", &page("con", "A page that would be written to con.html.")), ends: Refused(&["content/console.md", "`con`", "Windows"]) },
        Hostile { name: "an authority folder Windows reserves", start: Shipped, change: |case| case.copy_authority("aux"), ends: Refused(&["local-overrides/aux", "`aux`"]) },
        Hostile { name: "an authority folder with bad characters", start: Shipped, change: |case| case.copy_authority("North Shire: \"Adults\""), ends: Refused(&["local-overrides/North Shire: \"Adults\"", "authority folder name"]) },
    ]);
}

#[test]
fn dot_dot_in_a_page_id() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/pages/escape.md";
    case.write(
        file,
        &page("../../escape", "Trying to write outside the output."),
    );
    case.refused(&[file, "../../escape"]);
    assert!(!case.path().join("escape.html").exists());
}

// ---------------------------------------------------------------- files and folders

#[test]
#[rustfmt::skip] // a table: one case a line
fn files_from_outside_the_root_or_with_names_windows_cannot_hold_are_refused() {
    try_each(&[
        Hostile { name: "a symlink to a page outside the root", start: Model, ends: Refused(&["content/secret.md", "outside the handbook folder"]), change: |case| {
            let secret = case.outside.path().join("secret.md");
            std::fs::write(&secret, page("secret", "Outside the root.")).unwrap();
            std::os::unix::fs::symlink(&secret, case.path().join("content/secret.md")).unwrap();
        } },
        Hostile { name: "a symlinked folder outside the root", start: Model, ends: Refused(&["content/elsewhere/secret.md", "outside the handbook folder"]), change: |case| {
            let secret = case.outside.path().join("secret.md");
            std::fs::write(secret, page("secret", "Outside the root.")).unwrap();
            std::os::unix::fs::symlink(case.outside.path(), case.path().join("content/elsewhere")).unwrap();
        } },
        Hostile { name: "authority settings linked from outside the root", start: Shipped, ends: Refused(&["local-overrides/exampleshire/authority.yaml", "outside the handbook folder"]), change: |case| {
            let file = case.path().join("local-overrides/exampleshire/authority.yaml");
            let outside = case.outside.path().join("authority.yaml");
            std::fs::copy(&file, &outside).unwrap();
            std::fs::remove_file(&file).unwrap();
            std::os::unix::fs::symlink(outside, &file).unwrap();
        } },
        Hostile { name: "a static file linked from outside the root", start: Shipped, ends: Refused(&["local-overrides/exampleshire/static/passwd.txt", "outside the handbook folder"]), change: |case| {
            let static_dir = case.path().join("local-overrides/exampleshire/static");
            std::fs::create_dir_all(&static_dir).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", static_dir.join("passwd.txt")).unwrap();
        } },
        Hostile { name: "a static file with a name Windows reserves", start: Shipped, change: |case| case.write("local-overrides/exampleshire/static/Nul.css", "p { margin: 0; }\n"), ends: Refused(&["local-overrides/exampleshire/static/Nul.css", "Windows reserves"]) },
        Hostile { name: "static file names Windows cannot hold", start: Shipped, ends: Refused(&["static/logo:v2.png", "static/what?.png", "static/trailing-dot.png.", "static/back\\slash.png"]), change: |case| {
            for name in ["logo:v2.png", "what?.png", "trailing-dot.png.", "back\\slash.png"] {
                case.write(&format!("local-overrides/exampleshire/static/{name}"), "x");
            }
        } },
        Hostile { name: "a theme static file with a control character", start: Model, change: |case| case.write("themes/default/static/bell\u{7}.js", "// ring\n"), ends: Refused(&["themes/default/static/bell", "control character"]) },
        Hostile { name: "a folder named like a page", start: Model, change: |case| std::fs::create_dir_all(case.path().join("content/step-9.md")).unwrap(), ends: Warned(&["content/step-9.md", "folder"], &[]) },
    ]);
}

#[test]
fn a_named_pipe_named_like_a_page() {
    let case = Case::new(Start::Shipped);
    let pipe = case.path().join("content/pipe.md");
    let made = Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: `mkfifo` is not available here");
        return;
    }
    // Settings that are a pipe must not hang the run either.
    let settings = case
        .path()
        .join("local-overrides/kinloch-vale/authority.yaml");
    std::fs::remove_file(&settings).unwrap();
    Command::new("mkfifo").arg(&settings).status().unwrap();
    case.refused(&[
        "content/pipe.md",
        "local-overrides/kinloch-vale/authority.yaml",
        "not a plain file",
    ]);
}

#[test]
fn an_unreadable_file() {
    if running_as_root() {
        eprintln!("skipped: running as root, and root can read a file with no permissions, so chmod 000 proves nothing here");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let case = Case::new(Start::Model);
    let path = case.path().join("content/step-5.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    case.refused(&["content/step-5.md", "cannot read"]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Whether the tests run as root (user id 0), read from `/proc/self/status`.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

// ---------------------------------------------------------------- nesting

#[test]
fn ten_thousand_block_quotes() {
    let case = Case::new(Start::Model);
    case.write(
        "content/deep.md",
        &page("deep", &format!("{} deep", ">".repeat(10_000))),
    );
    let started = Instant::now();
    case.refused(&["content/deep.md:7:", "nested more than"]);
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
#[rustfmt::skip] // a table: one case a line
fn deeply_nested_lists_and_raw_html_are_refused() {
    try_each(&[
        Hostile { name: "deeply nested lists", start: Model, ends: Refused(&["content/deep-list.md", "nested more than"]), change: |case| {
            let list: String = (0..1_500).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect();
            case.write("content/deep-list.md", &page("deep-list", &list));
        } },
        Hostile { name: "deeply nested raw HTML", start: Model, ends: Refused(&["content/deep-html.md", "nested more than"]), change: |case| {
            let html = format!("<div>\n{}x{}\n</div>", "<div>".repeat(20_000), "</div>".repeat(20_000));
            case.write("content/deep-html.md", &page("deep-html", &html));
        } },
    ]);
}

#[test]
fn a_page_of_many_raw_tags() {
    // Wide, not deep: a large page of inline HTML is read in reasonable time.
    let case = Case::new(Start::Model);
    let line = "Some <b>bold</b> and <i>italic</i> words with <span title=\"t\">a span</span>.\n";
    case.write("content/wide.md", &page("wide", &line.repeat(20_000)));
    let started = Instant::now();
    let ran = run(case.path(), &["check"]);
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "{:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------- injection

#[test]
#[rustfmt::skip] // a table: one case a line
fn unsafe_html_is_removed_with_a_warning_or_refused() {
    try_each(&[
        Hostile { name: "a script element", start: Model, change: |case| case.insert_in_step_4("<script>alert('stolen')</script>"), ends: Warned(&["content/step-4.md:", "`<script>` element"], &["alert('stolen')"]) },
        // The differences page shows the override's text as text; no element is published.
        Hostile { name: "an inline script in an override", start: Shipped, change: |case| case.replace(LOCAL_PANEL, "team managers agree", "team managers <script src=\"https://evil.example/x.js\"></script>agree"), ends: Warned(&[LOCAL_PANEL, "`<script>` element"], &["src=\"https://evil.example"]) },
        Hostile { name: "an event handler", start: Shipped, change: |case| case.append(PANEL_PAGE, "\n<p onclick=\"steal()\" onmouseover='steal()'>Click me</p>\n"), ends: Warned(&[PANEL_PAGE, "`onclick` attribute", "`onmouseover` attribute"], &["steal()"]) },
        Hostile { name: "an event handler in an example", start: Shipped, change: |case| case.replace("local-overrides/exampleshire/examples/ex-challenging-a-plan.md", "A man in his fifties", "<img src=\"assets/handbook.css\" alt=\"\" onerror=\"steal()\">A man in his fifties"), ends: Warned(&["local-overrides/exampleshire/examples/ex-challenging-a-plan.md", "`onerror` attribute"], &["steal()"]) },
        Hostile { name: "a javascript: link in Markdown", start: Model, change: |case| case.insert_in_step_4("[Click here](javascript:alert(document.cookie))"), ends: Refused(&["content/step-4.md:", "`javascript:` address"]) },
        Hostile { name: "an encoded javascript: link in Markdown", start: Model, change: |case| case.insert_in_step_4("[Click here](&#x6A;avascript&#58;alert(1)) and <JAVASCRIPT:alert(2)>"), ends: Refused(&["content/step-4.md:", "`javascript:` address"]) },
        Hostile { name: "a javascript: link in raw HTML", start: Model, change: |case| case.insert_in_step_4("<a href=\" jav&#x09;ascript:alert(1)\">Click</a>"), ends: Warned(&["content/step-4.md:", "`javascript:` address"], &["alert(1)"]) },
        Hostile { name: "a data: image and a vbscript: link", start: Model, change: |case| case.insert_in_step_4("![x](data:image/svg+xml;base64,PHN2Zz4=) [y](vbscript:msgbox)"), ends: Refused(&["content/step-4.md:", "`data:` address", "`vbscript:` address"]) },
        Hostile { name: "an iframe", start: Model, change: |case| case.insert_in_step_4("<iframe src=\"https://evil.example/\"></iframe>"), ends: Warned(&["content/step-4.md:", "`<iframe>` element"], &["evil.example"]) },
        Hostile { name: "objects, embeds, forms, SVG and MathML", start: Model, change: |case| case.insert_in_step_4("<object data=\"x.swf\"></object>\n<embed src=\"y.swf\">\n<form action=\"/steal\"><input name=\"password\"></form>\n<svg onload=\"steal()\"><circle r=\"4\"/></svg>\n<math><mi>x</mi></math>"), ends: Warned(&["`<object>` element", "`<embed>` element", "`<form>` element", "`<svg>` element", "`<math>` element"], &["x.swf", "y.swf", "/steal", "steal()", "<circle", "<mi>"]) },
        Hostile { name: "style attributes and elements", start: Model, change: |case| case.insert_in_step_4("<p style=\"position:fixed;top:0\">Fake login</p>\n\n<style>body { display: none; color: #123456 }</style>"), ends: Warned(&["content/step-4.md:", "`style` attribute", "`<style>` element"], &["position:fixed", "#123456"]) },
        Hostile { name: "a heading attribute", start: Model, change: |case| case.replace("content/step-4.md", "### Sources of help {#sources-of-help .editorial}", "### Sources of help {#sources-of-help .editorial onclick=steal()}"), ends: Warned(&["content/step-4.md:", "heading attribute `onclick`"], &["steal()"]) },
        Hostile { name: "an outside image in Markdown", start: Model, change: |case| case.insert_in_step_4("![Tracker](https://tracker.example/pixel.gif)"), ends: Refused(&["content/step-4.md:", "https://tracker.example/pixel.gif"]) },
        Hostile { name: "an outside image in raw HTML", start: Shipped, change: |case| case.append(PANEL_PAGE, "\n<p>Logo: <img src=\"//cdn.example/logo.png\" alt=\"Logo\"></p>\n"), ends: Refused(&[PANEL_PAGE, "//cdn.example/logo.png", "another site"]) },
        Hostile { name: "an outside font in an authority's style sheet", start: Shipped, change: |case| case.write("local-overrides/exampleshire/static/fonts.css", "@import url(\"https://fonts.example/css?family=Sans\");\nbody { font-family: Sans; }\n"), ends: Refused(&["local-overrides/exampleshire/static/fonts.css", "https://fonts.example"]) },
        Hostile { name: "an outside script in an authority's template", start: Shipped, change: |case| case.write("local-overrides/kinloch-vale/templates/page.html", "{% extends \"theme/page.html\" %}\n{% block pagination %}<script src=\"https://cdn.example/analytics.js\"></script>{% endblock pagination %}\n"), ends: Refused(&["kinloch-vale", "https://cdn.example/analytics.js", "another site"]) },
        Hostile { name: "an authority's base template without the Content-Security-Policy", start: Shipped, change: |case| case.write("local-overrides/kinloch-vale/templates/base.html", "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock title %}</title></head>\n<body>{% block header %}{% endblock header %}{% block navigation %}{% endblock navigation %}{% block main %}{% endblock main %}{% block footer %}{% block credit %}{% endblock credit %}{% endblock footer %}</body></html>\n"), ends: Refused(&["kinloch-vale/", "has no Content-Security-Policy"]) },
    ]);
}
#[test]
fn html_written_as_text_is_not_an_image_or_a_link() {
    // Found by fuzzing: published text keeps its `"`, so `src="…"` shown in
    // a code span once counted as an image from another site.
    let case = Case::new(Start::Model);
    case.insert_in_step_4("Write `<img src=\"https://example.org/a.png\">` or <code>href=\"nowhere.html\"</code>; never a tracker.");
    let ran = case.build();
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    let html = read(case.out.join("model/step-4.html"));
    assert!(html.contains("&lt;img src="), "the text is shown as text");
}

// ---------------------------------------------------------------- interrupted builds

/// A handbook root with many pages, so that a build takes long enough to be killed mid-way.
fn large_root(pages: usize, words: &str) -> tempfile::TempDir {
    let root = copy_of_model();
    for i in 0..pages {
        let body: String = (0..20)
            .map(|p| {
                format!(
                    "## Part {p}\n\n{words} page {i}, part {p}. See [[step-{}]].\n\n",
                    p % 7 + 1
                )
            })
            .collect();
        write(
            root.path(),
            &format!("content/generated/gen-{i}.md"),
            &page(&format!("gen-{i}"), &body),
        );
    }
    root
}

#[test]
fn a_killed_build_leaves_the_old_or_the_new_output_never_a_mix() {
    let root = large_root(200, "Old words on");
    let out = root.path().join("public");
    let ran = run(root.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    let old = snapshot(&out);
    // The new text, built once in full elsewhere to know what "new" looks like.
    for i in 0..200 {
        let path = root.path().join(format!("content/generated/gen-{i}.md"));
        std::fs::write(&path, read(&path).replace("Old words on", "New words on")).unwrap();
    }
    let reference = root.path().join("reference");
    let started = Instant::now();
    let ran = run(
        root.path(),
        &["build", "--out", reference.to_str().unwrap()],
    );
    let full = started.elapsed().as_millis() as u64;
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    let new = snapshot(&reference);
    assert_ne!(old, new);
    // A build that was killed before this test ran left its folder behind.
    let leftover = root.path().join(".public.new-4000000000-abcdef");
    std::fs::create_dir_all(leftover.join("model")).unwrap();
    std::fs::write(leftover.join("model/index.html"), "half a build").unwrap();
    // From very early to just after a whole build's time, so that some kills
    // land while files are written and swapped in.
    let mut outcomes = Vec::new();
    let delays = [
        50,
        full * 3 / 10,
        full * 6 / 10,
        full * 8 / 10,
        full * 9 / 10,
        full * 95 / 100,
        full,
        full * 105 / 100,
        full * 11 / 10,
    ];
    for delay in delays {
        let mut child = handbook_command(root.path(), &["build", "--out", out.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshot(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            let differing: Vec<_> = now
                .keys()
                .chain(old.keys())
                .filter(|k| now.get(*k) != old.get(*k) && now.get(*k) != new.get(*k))
                .take(5)
                .collect();
            panic!("after a kill at {delay} ms the output is a mix of old and new: {differing:?}");
        };
        outcomes.push((delay, which));
    }
    eprintln!("a whole build took {full} ms; killed builds left: {outcomes:?}");
    // The next build cleans up whatever the killed ones left beside the output.
    let ran = run(root.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(ran.code, Some(0), "{}", ran.text);
    assert!(snapshot(&out) == new);
    assert_no_temporary_folders(root.path());
}

/// Asserts that no build left its temporary output folder (`.public.…`) in `root`.
fn assert_no_temporary_folders(root: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn a_failed_build_without_the_search_index_leaves_every_byte() {
    // Without the index, a build writes each page as soon as it is made: a
    // link found broken once every page is written still fails it whole.
    let case = Case::new(Start::Shipped);
    case.insert_in_step_4("See <a href=\"nowhere.html\">the list</a>.");
    case.refused_with(&["--no-search"], &["content/step-4.md", "nowhere.html"]);
}

#[test]
fn a_failed_build_after_a_good_one_leaves_every_byte() {
    // The same promise as every case above, on a build of every edition with a
    // failure in only one of them.
    let case = Case::new(Start::Shipped);
    case.replace(
        "local-overrides/kinloch-vale/pages/sds-in-scotland.md",
        "---\n",
        "---\nstep: 99\n",
    );
    case.refused(&["local-overrides/kinloch-vale/pages/sds-in-scotland.md"]);
}
