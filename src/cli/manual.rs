//! `handbook completions` and `handbook man`: the command line described
//! for a shell and for `man`, both made from [`Cli`]'s clap tree.
//!
//! Prints what clap makes, the manual as one page that holds every
//! command (it refers to no other page); adds nothing else of its own.

use std::process::ExitCode;

use clap::CommandFactory;

use super::args::{Cli, Completions};
use super::print::{print_out, say};

/// Runs `handbook completions`: the shell's script that asks `handbook`
/// what to offer at each press of Tab (`clap_complete`'s dynamic
/// completion), so that an authority is completed from the root's own.
pub fn completions(args: Completions) -> ExitCode {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let Some(shell) = shells.completer(&name) else {
        say(&format!("error: Handbook cannot complete for {name}"));
        return ExitCode::FAILURE;
    };
    // The program the script runs: as this one was run, from any folder.
    let mut program = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "handbook".into());
    if program.components().count() > 1 {
        if let Ok(here) = std::env::current_dir() {
            program = here.join(program);
        }
    }
    let mut text = Vec::new();
    let written = shell.write_registration(
        "COMPLETE",
        "handbook",
        "handbook",
        &program.to_string_lossy(),
        &mut text,
    );
    if let Err(e) = written {
        say(&format!(
            "error: could not write the completion script: {e}"
        ));
        return ExitCode::FAILURE;
    }
    print_out(&String::from_utf8_lossy(&text));
    ExitCode::SUCCESS
}

/// Runs `handbook man`: one page, `handbook(1)`, with every command, its
/// synopsis, what it does and its options, and no reference to a page of
/// its own (`handbook-build(1)`), which nothing installs.
pub fn man() -> ExitCode {
    match manual_page() {
        Ok(text) => {
            print_out(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error: could not make the manual page: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// The roff of a section clap_mangen makes, without its `.SH` heading.
fn section_body(render: impl Fn(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut text = Vec::new();
    render(&mut text)?;
    let text = String::from_utf8_lossy(&text).into_owned();
    Ok(text
        .lines()
        .filter(|line| !line.starts_with(".SH "))
        .map(|line| format!("{line}\n"))
        .collect())
}

/// The manual page: the program's own sections, then a COMMANDS section
/// with each command in full.
fn manual_page() -> std::io::Result<String> {
    let mut cli = Cli::command();
    cli.build();
    let page = clap_mangen::Man::new(cli.clone());
    let mut text = Vec::new();
    page.render_title(&mut text)?;
    page.render_name_section(&mut text)?;
    page.render_synopsis_section(&mut text)?;
    page.render_description_section(&mut text)?;
    page.render_options_section(&mut text)?;
    let mut text = String::from_utf8_lossy(&text).into_owned();
    text.push_str(".SH COMMANDS\n");
    for command in cli.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
        let man = clap_mangen::Man::new(command.clone());
        text.push_str(&format!(".SS \"{name}\"\n"));
        text.push_str(&section_body(|w| man.render_synopsis_section(w))?);
        text.push_str(".PP\n");
        text.push_str(&section_body(|w| man.render_description_section(w))?);
        if command.get_arguments().any(|a| !a.is_hide_set()) {
            text.push_str(&section_body(|w| man.render_options_section(w))?);
        }
    }
    let mut version = Vec::new();
    page.render_version_section(&mut version)?;
    text.push_str(&String::from_utf8_lossy(&version));
    Ok(text)
}
