//! `handbook check`: runs every stage but write over the editions asked
//! for and prints what it found, for people or for tools.
//!
//! Chooses only the printed form; the run and whether it fails (errors,
//! or warnings with `--deny-warnings`) are the library's.

use std::process::ExitCode;
use std::time::Instant;

use handbook::pipeline::requests;
use handbook::pipeline::{self, Editions, Request};
use handbook::support::report;

use super::args::{Check, Format};
use super::print::{exit_code, print_human, print_out, summary};

/// Runs `handbook check`.
pub fn run(args: Check) -> ExitCode {
    let started = Instant::now();
    let shown_root = args.root.to_string_lossy().into_owned();
    let editions = Editions::from_slugs(args.authorities);
    // Where `build` would write and keep its cache, for the one warning
    // about the command rather than the root.
    let out = requests::output_folder(&args.root, args.out);
    let cache = requests::cache_folder(&out, args.cache, true);
    let mut run = pipeline::run(&Request::to_check(args.root, editions));
    if let Some(warning) = requests::published_cache(&out, cache.as_deref()) {
        run.add(warning);
    }
    let diagnostics = &run.diagnostics;
    match args.format {
        Format::Json => print_out(&format!("{}\n", report::json(diagnostics, run.totals()))),
        Format::Sarif => print_out(&format!(
            "{}\n",
            report::sarif(diagnostics, &shown_root, env!("CARGO_PKG_VERSION"))
        )),
        Format::Github => print_out(&report::github(diagnostics, &shown_root)),
        Format::Human => {
            print_human(diagnostics);
            summary(&run, started, None);
        }
    }
    exit_code(!run.fails(args.deny_warnings))
}
