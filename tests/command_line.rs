//! `handbook` as a shell sees it (issues 19 and 33): the completion script
//! of each shell, bash's run for real, offering the root's own authorities
//! where a command wants one; and the manual page, one page that holds
//! every command and names no page that is not written.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Every command, as `handbook --help` lists them.
const COMMANDS: &[&str] = &[
    "build",
    "release",
    "releases",
    "check",
    "serve",
    "diff",
    "accept",
    "new-authority",
    "init",
    "update-model",
    "schema",
    "completions",
    "man",
];

#[test]
fn each_shell_gets_a_script_that_asks_handbook_what_to_offer() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = handbook(&["completions", shell]);
        assert_ok(&run);
        let script = String::from_utf8_lossy(&run.stdout);
        assert!(script.contains("COMPLETE"), "{shell}: {script}");
        assert!(
            script.contains(env!("CARGO_BIN_EXE_handbook")),
            "{shell} runs this handbook: {script}"
        );
    }
    // An unknown shell is a usage mistake: clap's exit status 2, naming it.
    let run = handbook(&["completions", "tcsh"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(
        text(&run).contains("invalid value 'tcsh'"),
        "{}",
        text(&run)
    );
}

/// What bash offers, in `dir`, for each command line (its last word the
/// one being completed), with the script `handbook completions bash` wrote.
fn bash_offers(dir: &Path, lines: &[&[&str]]) -> Vec<String> {
    let script = dir.join("handbook.bash");
    let run = handbook(&["completions", "bash"]);
    assert_ok(&run);
    std::fs::write(&script, &run.stdout).unwrap();
    let mut test = format!(
        "source {}\n\
         tab() {{\n\
           COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
           COMP_LINE=\"$*\"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9; COMPREPLY=()\n\
           _clap_complete_handbook handbook \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"\n\
           local IFS=' '; echo \"${{COMPREPLY[*]}}\"\n\
         }}\n",
        script.display()
    );
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        test.push_str(&format!("tab {}\n", quoted.join(" ")));
    }
    let run = Command::new("bash")
        .arg("-c")
        .arg(&test)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    assert_ok(&run);
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_options_and_the_roots_own_authorities() {
    let shipped = copy_of_shipped();
    let root = shipped.path();
    let other = tempfile::tempdir().unwrap();
    let (council, _) = init_council(other.path(), "england", &[]);
    let council = council.to_str().unwrap();
    let root_flag = format!("--root={council}");
    let offered = bash_offers(
        root,
        &[
            &["handbook", "bu"],
            &["handbook", "check", "--deny-w"],
            &["handbook", "serve", "--authority", ""],
            &["handbook", "build", "--authority", "k"],
            &["handbook", "check", "--authority", ""],
            &["handbook", "diff", ""],
            &["handbook", "accept", "cwm"],
            &["handbook", "release", "--note", "x", "--version", "1", ""],
            &["handbook", "check", "--root", council, "--authority", ""],
            &["handbook", "serve", &root_flag, "--authority", ""],
        ],
    );
    // Layers too: `check --authority` and `accept` take a layer (issue 35).
    let authorities = "cwm-derwen england-wide exampleshire kinloch-vale";
    let wanted = [
        "build".to_string(),
        "--deny-warnings".to_string(),
        authorities.to_string(),
        "kinloch-vale".to_string(),
        authorities.to_string(),
        authorities.to_string(),
        "cwm-derwen".to_string(),
        format!("{authorities} model"),
        "north-exampleshire".to_string(),
        "north-exampleshire".to_string(),
    ];
    for (i, want) in wanted.iter().enumerate() {
        let got = offered.get(i).map(String::as_str).unwrap_or_default();
        assert!(
            got == want || got.starts_with(&format!("{want} --")),
            "line {i}: expected {want:?}, got {got:?}; all: {offered:#?}"
        );
    }
    for line in &offered[2..] {
        for file_name in ["content", "themes", "local-overrides"] {
            assert!(
                !line.split(' ').any(|w| w == file_name),
                "offers file names: {line}"
            );
        }
    }
}

#[test]
fn the_manual_page_holds_every_command_and_names_no_page_it_does_not_write() {
    let run = handbook(&["man"]);
    assert_ok(&run);
    let page = String::from_utf8_lossy(&run.stdout);
    assert!(page.contains(".TH handbook 1"), "{page}");
    for command in COMMANDS {
        let heading = format!(".SS \"handbook {command}\"");
        assert!(page.contains(&heading), "the manual page lacks {heading}");
    }
    for option in [
        "\\-\\-deny\\-warnings",
        "\\-\\-discard\\-local\\-edits",
        "\\-\\-no\\-search",
    ] {
        assert!(page.contains(option), "the manual page lacks {option}");
    }
    // A reference to a manual page is `name(section)`: the only one written is handbook(1).
    let references: Vec<&str> = page
        .split(|c: char| c.is_whitespace() || c == '\\' || c == '"')
        .filter(|w| w.ends_with("(1)") && *w != "handbook(1)")
        .collect();
    assert!(
        references.is_empty(),
        "pages that are not written: {references:?}"
    );
    assert!(!page.contains("handbook\\-build"), "{page}");
    if Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("handbook.1");
        std::fs::write(&file, page.as_bytes()).unwrap();
        let shown = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        // Bold and underline come as overstrikes: a letter, a backspace, a letter.
        let mut plain: Vec<char> = Vec::new();
        for c in String::from_utf8_lossy(&shown.stdout).chars() {
            if c == '\u{8}' {
                plain.pop();
            } else {
                plain.push(c);
            }
        }
        let shown: String = plain.into_iter().collect();
        assert!(
            shown.contains("COMMANDS") && shown.contains("handbook serve"),
            "{shown}"
        );
    }
}
