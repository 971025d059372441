//! `handbook completions` and `handbook man`: the command line described
//! for a shell and for `man`, both made from [`Cli`]'s clap tree.
//!
//! Prints what clap makes; adds nothing of its own.

use std::process::ExitCode;

use clap::CommandFactory;

use super::args::{Cli, Completions};
use super::print::{print_out, say};

/// Runs `handbook completions`.
pub fn completions(args: Completions) -> ExitCode {
    let mut text = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "handbook", &mut text);
    print_out(&String::from_utf8_lossy(&text));
    ExitCode::SUCCESS
}

/// Runs `handbook man`.
pub fn man() -> ExitCode {
    let mut text = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut text) {
        Ok(()) => {
            print_out(&String::from_utf8_lossy(&text));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error: could not make the manual page: {e}"));
            ExitCode::FAILURE
        }
    }
}
