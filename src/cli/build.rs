//! `handbook build`: builds the editions asked for into the output folder
//! and prints the problems found (notes left to `check`) and a last line.
//!
//! Turns the arguments into a [`Request`]; where the output and the cache
//! go, and whether one edition may replace a full build's, are the
//! library's to decide.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use handbook::pipeline::requests::{self, WouldReplace};
use handbook::pipeline::{self, Editions, Request};
use handbook::support::diagnostic::{Diagnostic, Severity};

use super::args::Build;
use super::print::{exit_code, print_human, say, summary};

/// Runs `handbook build`.
pub fn run(args: Build) -> ExitCode {
    let started = Instant::now();
    let out = requests::output_folder(&args.root, args.out);
    let cache = requests::cache_folder(&out, args.cache, !args.no_cache);
    let editions = Editions::from_slugs(args.authorities);
    if let Some(refused) = requests::would_replace(&editions, &out, args.replace) {
        refuse(&refused, &out);
        return ExitCode::FAILURE;
    }
    let request = Request {
        root: args.root,
        editions,
        today: pipeline::today(),
        search: !args.no_search,
        history: !args.no_history,
        cache,
    };
    let show = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if show && total > 1 {
            eprint!("\rBuilding editions: {done} of {total}");
            if done == total {
                eprint!("\r\x1b[K");
            }
        }
    };
    let published = requests::published_cache(&out, request.cache.as_deref());
    let mut run = match pipeline::build(&request, &out, &progress) {
        Ok(run) => run,
        Err(e) => {
            say(&format!("error: could not write {}: {e}", out.display()));
            say("  hint: check that the folder is writable and the disk is not full; the previous output was left as it was");
            return ExitCode::FAILURE;
        }
    };
    if let Some(warning) = published {
        run.add(warning);
    }
    let shown: Vec<Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .cloned()
        .collect();
    print_human(&shown);
    summary(&run, started, Some(out.as_path()));
    exit_code(!run.has_errors())
}

/// Says why a build of one edition into `out` was refused, and what to do.
fn refuse(refused: &WouldReplace, out: &Path) {
    let WouldReplace { slug, found } = refused;
    say(&format!(
        "error: {} holds {} edition{} from a full build ({}); writing {slug}'s edition alone there would delete {}",
        out.display(),
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        found.join(", "),
        if found.len() == 1 { "it" } else { "them" },
    ));
    say(&format!(
        "  hint: to update that edition in place, give its folder: `--out {}`; to replace them with this edition alone, add `--replace`; `handbook build` without --authority builds every edition again",
        out.join(slug).display()
    ));
    say("Nothing was written.");
}
