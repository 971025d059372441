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
        Self { root, out, before }
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
        let leftovers: Vec<String> = std::fs::read_dir(self.path())
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
}

/// A page that would be good, with `body` as its text.
fn page(id: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: \"A test page\"\nparent: home\nweight: 900\n---\n{body}\n")
}

// ---------------------------------------------------------------- front matter

#[test]
fn malformed_yaml() {
    let case = Case::new(Start::Model);
    case.replace("content/step-5.md", "weight: 70", "weight: [70");
    case.refused(&["content/step-5.md:4:"]);
}

#[test]
fn unclosed_front_matter() {
    let case = Case::new(Start::Model);
    case.replace("content/step-5.md", "\n---\n", "\n\n");
    let out = case.refused(&["content/step-5.md", "never closed"]);
    assert!(out.contains("help:"), "{out}");
}

#[test]
fn no_front_matter() {
    let case = Case::new(Start::Model);
    case.write(
        "content/notes.md",
        "Just some notes, with no settings at all.\n",
    );
    case.refused(&["content/notes.md:1:1", "no front matter"]);
}

#[test]
fn an_empty_file() {
    let case = Case::new(Start::Model);
    case.write("content/empty.md", "");
    case.refused(&["content/empty.md", "no front matter"]);
}

#[test]
fn a_typo_in_a_key() {
    let case = Case::new(Start::Model);
    case.replace("content/step-5.md", "weight: 70", "wieght: 70");
    case.refused(&["content/step-5.md:4:1", "did you mean `weight`"]);
}

#[test]
fn a_date_that_is_not_a_date() {
    let case = Case::new(Start::Model);
    case.replace(
        "content/step-5.md",
        "weight: 70",
        "weight: 70\nlast_reviewed: next Tuesday",
    );
    case.refused(&["content/step-5.md:5:"]);
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

#[test]
fn deeply_nested_yaml() {
    let case = Case::new(Start::Model);
    let deep = format!("summary: {}x{}", "[".repeat(5_000), "]".repeat(5_000));
    case.replace(
        "content/step-5.md",
        "weight: 70",
        &format!("weight: 70\n{deep}"),
    );
    case.refused(&["content/step-5.md"]);
}

#[test]
fn huge_front_matter() {
    let case = Case::new(Start::Model);
    let mut big = String::from("changes:\n");
    for i in 0..4_000 {
        big.push_str(&format!(
            "  - {{ date: 2020-01-01, note: \"change number {i} of very many\" }}\n"
        ));
    }
    case.replace(
        "content/step-5.md",
        "weight: 70\n",
        &format!("weight: 70\n{big}"),
    );
    case.refused(&["content/step-5.md", "front matter is"]);
}

#[test]
fn a_huge_page() {
    let case = Case::new(Start::Model);
    let line = "This sentence is repeated to make a page far larger than any real page.\n";
    case.write(
        "content/huge.md",
        &page("huge", &line.repeat(5 * 1024 * 1024 / line.len() + 1)),
    );
    case.refused(&["content/huge.md", "the limit is"]);
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

#[test]
fn an_unknown_id() {
    let case = Case::new(Start::Model);
    case.replace(
        "content/step-6.md",
        "## The social work role",
        "See [[step-99]].\n\n## The social work role",
    );
    case.refused(&["content/step-6.md:", "step-99"]);
}

#[test]
fn a_duplicate_id() {
    let case = Case::new(Start::Model);
    let step2 = read(case.path().join("content/step-2.md"));
    case.write("content/step-2-copy.md", &step2);
    case.refused(&["content/step-2-copy.md", "content/step-2.md", "step-2"]);
}

#[test]
fn an_unknown_variable() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/pages/resource-allocation-panel.md";
    let text = read(case.path().join(file));
    std::fs::write(
        case.path().join(file),
        format!("{text}\nCall {{{{ vars.no_such_thing }}}}.\n"),
    )
    .unwrap();
    case.refused(&[file, "vars.no_such_thing"]);
}

#[test]
fn a_bad_override_target() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    case.replace(
        file,
        "target: step-3#systems-practice-support",
        "target: step-3#no-such-section",
    );
    case.refused(&[file, "no-such-section"]);
}

#[test]
fn a_target_with_dot_dot() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    case.replace(
        file,
        "target: step-3#systems-practice-support",
        "target: ../../content/step-3",
    );
    case.refused(&[file]);
}

#[test]
fn two_overrides_clash() {
    let case = Case::new(Start::Shipped);
    case.write(
        "local-overrides/exampleshire/overrides/zz-clash.md",
        "---\ntarget: step-3#systems-practice-support\naction: replace\nreason: \"A second replacement of the same section.\"\n---\nOther text.\n",
    );
    case.write(
        "local-overrides/exampleshire/overrides/zz-clash-2.md",
        "---\ntarget: step-3#systems-practice-support\naction: replace\nreason: \"A third replacement of the same section.\"\n---\nYet other text.\n",
    );
    case.refused(&["local-overrides/exampleshire/overrides/zz-clash"]);
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

#[test]
fn dot_dot_in_an_example_id() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/examples/ex-escape.md";
    case.write(
        file,
        "---\nid: ../ex-escape\ntitle: \"Escape\"\nattach: [step-3]\n---\nText.\n",
    );
    case.refused(&[file, "../ex-escape"]);
}

#[test]
fn an_absolute_path_as_a_page_id() {
    let case = Case::new(Start::Model);
    case.write("content/abs.md", &page("/tmp/abs", "Absolute."));
    case.refused(&["content/abs.md", "/tmp/abs"]);
}

#[test]
fn a_windows_reserved_page_id() {
    let case = Case::new(Start::Model);
    case.write(
        "content/console.md",
        &page("con", "A page that would be written to con.html."),
    );
    case.refused(&["content/console.md", "`con`", "Windows"]);
}

#[test]
fn a_windows_reserved_authority_folder() {
    let case = Case::new(Start::Shipped);
    copy_dir(
        &case.path().join("local-overrides/exampleshire"),
        &case.path().join("local-overrides/aux"),
    );
    case.refused(&["local-overrides/aux", "`aux`"]);
}

#[test]
fn an_authority_folder_with_bad_characters() {
    let case = Case::new(Start::Shipped);
    copy_dir(
        &case.path().join("local-overrides/exampleshire"),
        &case.path().join("local-overrides/North Shire: \"Adults\""),
    );
    case.refused(&[
        "local-overrides/North Shire: \"Adults\"",
        "authority folder name",
    ]);
}

// ---------------------------------------------------------------- files and folders

#[test]
fn a_symlink_to_a_page_outside_the_root() {
    let case = Case::new(Start::Model);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        page("secret", "Outside the root."),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        case.path().join("content/secret.md"),
    )
    .unwrap();
    case.refused(&["content/secret.md", "outside the handbook folder"]);
}

#[test]
fn a_symlinked_folder_outside_the_root() {
    let case = Case::new(Start::Model);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        page("secret", "Outside the root."),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), case.path().join("content/elsewhere")).unwrap();
    case.refused(&["content/elsewhere/secret.md", "outside the handbook folder"]);
}

#[test]
fn authority_settings_linked_from_outside_the_root() {
    let case = Case::new(Start::Shipped);
    let outside = tempfile::tempdir().unwrap();
    let file = case
        .path()
        .join("local-overrides/exampleshire/authority.yaml");
    std::fs::copy(&file, outside.path().join("authority.yaml")).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(outside.path().join("authority.yaml"), &file).unwrap();
    case.refused(&[
        "local-overrides/exampleshire/authority.yaml",
        "outside the handbook folder",
    ]);
}

#[test]
fn a_static_file_linked_from_outside_the_root() {
    let case = Case::new(Start::Shipped);
    let static_dir = case.path().join("local-overrides/exampleshire/static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", static_dir.join("passwd.txt")).unwrap();
    case.refused(&[
        "local-overrides/exampleshire/static/passwd.txt",
        "outside the handbook folder",
    ]);
}

#[test]
fn a_static_file_with_a_windows_reserved_name() {
    let case = Case::new(Start::Shipped);
    case.write(
        "local-overrides/exampleshire/static/Nul.css",
        "p { margin: 0; }\n",
    );
    case.refused(&[
        "local-overrides/exampleshire/static/Nul.css",
        "Windows reserves",
    ]);
}

#[test]
fn static_file_names_windows_cannot_hold() {
    let case = Case::new(Start::Shipped);
    for name in [
        "logo:v2.png",
        "what?.png",
        "trailing-dot.png.",
        "back\\slash.png",
    ] {
        case.write(&format!("local-overrides/exampleshire/static/{name}"), "x");
    }
    case.refused(&[
        "static/logo:v2.png",
        "static/what?.png",
        "static/trailing-dot.png.",
        "static/back\\slash.png",
    ]);
}

#[test]
fn a_theme_static_file_with_a_control_character() {
    let case = Case::new(Start::Model);
    case.write("themes/default/static/bell\u{7}.js", "// ring\n");
    case.refused(&["themes/default/static/bell", "control character"]);
}

#[test]
fn a_folder_named_like_a_page() {
    let case = Case::new(Start::Model);
    std::fs::create_dir_all(case.path().join("content/step-9.md")).unwrap();
    case.warned(&["content/step-9.md", "folder"], &[]);
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
fn deeply_nested_lists() {
    let case = Case::new(Start::Model);
    let list: String = (0..1_500)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    case.write("content/deep-list.md", &page("deep-list", &list));
    case.refused(&["content/deep-list.md", "nested more than"]);
}

#[test]
fn deeply_nested_raw_html() {
    let case = Case::new(Start::Model);
    let html = format!(
        "<div>\n{}x{}\n</div>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    case.write("content/deep-html.md", &page("deep-html", &html));
    case.refused(&["content/deep-html.md", "nested more than"]);
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
fn a_script_element() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("<script>alert('stolen')</script>");
    case.warned(
        &["content/step-4.md:", "`<script>` element"],
        &["alert('stolen')"],
    );
}

#[test]
fn an_inline_script_in_an_override() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/overrides/step-3-local-panel.md";
    case.replace(
        file,
        "team managers agree",
        "team managers <script src=\"https://evil.example/x.js\"></script>agree",
    );
    // The differences page shows the override's text as text; no element is published.
    case.warned(
        &[file, "`<script>` element"],
        &["src=\"https://evil.example"],
    );
}

#[test]
fn an_event_handler() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/pages/resource-allocation-panel.md";
    let text = read(case.path().join(file));
    std::fs::write(
        case.path().join(file),
        format!("{text}\n<p onclick=\"steal()\" onmouseover='steal()'>Click me</p>\n"),
    )
    .unwrap();
    case.warned(
        &[file, "`onclick` attribute", "`onmouseover` attribute"],
        &["steal()"],
    );
}

#[test]
fn an_event_handler_in_an_example() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/examples/ex-challenging-a-plan.md";
    case.replace(
        file,
        "A man in his fifties",
        "<img src=\"assets/handbook.css\" alt=\"\" onerror=\"steal()\">A man in his fifties",
    );
    case.warned(&[file, "`onerror` attribute"], &["steal()"]);
}

#[test]
fn a_javascript_link_in_markdown() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("[Click here](javascript:alert(document.cookie))");
    case.refused(&["content/step-4.md:", "`javascript:` address"]);
}

#[test]
fn an_encoded_javascript_link_in_markdown() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("[Click here](&#x6A;avascript&#58;alert(1)) and <JAVASCRIPT:alert(2)>");
    case.refused(&["content/step-4.md:", "`javascript:` address"]);
}

#[test]
fn a_javascript_link_in_raw_html() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("<a href=\" jav&#x09;ascript:alert(1)\">Click</a>");
    case.warned(
        &["content/step-4.md:", "`javascript:` address"],
        &["alert(1)"],
    );
}

#[test]
fn a_data_image_and_a_vbscript_link() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("![x](data:image/svg+xml;base64,PHN2Zz4=) [y](vbscript:msgbox)");
    case.refused(&[
        "content/step-4.md:",
        "`data:` address",
        "`vbscript:` address",
    ]);
}

#[test]
fn an_iframe() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("<iframe src=\"https://evil.example/\"></iframe>");
    case.warned(
        &["content/step-4.md:", "`<iframe>` element"],
        &["evil.example"],
    );
}

#[test]
fn objects_embeds_forms_svg_and_math() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("<object data=\"x.swf\"></object>\n<embed src=\"y.swf\">\n<form action=\"/steal\"><input name=\"password\"></form>\n<svg onload=\"steal()\"><circle r=\"4\"/></svg>\n<math><mi>x</mi></math>");
    case.warned(
        &[
            "`<object>` element",
            "`<embed>` element",
            "`<form>` element",
            "`<svg>` element",
            "`<math>` element",
        ],
        &["x.swf", "y.swf", "/steal", "steal()", "<circle", "<mi>"],
    );
}

#[test]
fn style_attributes_and_elements() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("<p style=\"position:fixed;top:0\">Fake login</p>\n\n<style>body { display: none; color: #123456 }</style>");
    case.warned(
        &[
            "content/step-4.md:",
            "`style` attribute",
            "`<style>` element",
        ],
        &["position:fixed", "#123456"],
    );
}

#[test]
fn a_heading_attribute() {
    let case = Case::new(Start::Model);
    case.replace(
        "content/step-4.md",
        "### Sources of help {#sources-of-help .editorial}",
        "### Sources of help {#sources-of-help .editorial onclick=steal()}",
    );
    case.warned(
        &["content/step-4.md:", "heading attribute `onclick`"],
        &["steal()"],
    );
}

#[test]
fn an_outside_image_in_markdown() {
    let case = Case::new(Start::Model);
    case.insert_in_step_4("![Tracker](https://tracker.example/pixel.gif)");
    case.refused(&["content/step-4.md:", "https://tracker.example/pixel.gif"]);
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

#[test]
fn an_outside_image_in_raw_html() {
    let case = Case::new(Start::Shipped);
    let file = "local-overrides/exampleshire/pages/resource-allocation-panel.md";
    let text = read(case.path().join(file));
    std::fs::write(
        case.path().join(file),
        format!("{text}\n<p>Logo: <img src=\"//cdn.example/logo.png\" alt=\"Logo\"></p>\n"),
    )
    .unwrap();
    case.refused(&[file, "//cdn.example/logo.png", "another site"]);
}

#[test]
fn an_outside_font_in_an_authority_style_sheet() {
    let case = Case::new(Start::Shipped);
    case.write(
        "local-overrides/exampleshire/static/fonts.css",
        "@import url(\"https://fonts.example/css?family=Sans\");\nbody { font-family: Sans; }\n",
    );
    case.refused(&[
        "local-overrides/exampleshire/static/fonts.css",
        "https://fonts.example",
    ]);
}

#[test]
fn an_outside_script_in_an_authority_template() {
    let case = Case::new(Start::Shipped);
    case.write(
        "local-overrides/kinloch-vale/templates/page.html",
        "{% extends \"theme/page.html\" %}\n{% block pagination %}<script src=\"https://cdn.example/analytics.js\"></script>{% endblock pagination %}\n",
    );
    case.refused(&[
        "kinloch-vale",
        "https://cdn.example/analytics.js",
        "another site",
    ]);
}

#[test]
fn an_authority_base_template_without_the_content_security_policy() {
    let case = Case::new(Start::Shipped);
    case.write(
        "local-overrides/kinloch-vale/templates/base.html",
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock title %}</title></head>\n<body>{% block header %}{% endblock header %}{% block navigation %}{% endblock navigation %}{% block main %}{% endblock main %}{% block footer %}{% block credit %}{% endblock credit %}{% endblock footer %}</body></html>\n",
    );
    case.refused(&["kinloch-vale/", "has no Content-Security-Policy"]);
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
    let leftovers: Vec<String> = std::fs::read_dir(root.path())
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
