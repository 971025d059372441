//! `handbook diff`: prints how an authority's edition differs from the
//! model, in colour on a terminal.
//!
//! The differences are the `differences` analysis's; this file only picks
//! colour and prints them, or the problems that stopped the edition.

use std::process::ExitCode;

use handbook::pipeline;
use handbook::stages::analyses::differences;

use super::args::Diff;
use super::print::{colour_wanted, print_human, print_out};

/// Runs `handbook diff`.
pub fn run(args: Diff) -> ExitCode {
    let colour = colour_wanted(&std::io::stdout());
    match pipeline::with_edition(&args.root, &args.slug, |linked| {
        differences::to_terminal(linked, colour)
    }) {
        Ok(text) => {
            print_out(&text);
            ExitCode::SUCCESS
        }
        Err(problems) => {
            print_human(&problems);
            ExitCode::FAILURE
        }
    }
}
