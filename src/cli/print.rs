//! How the commands print: standard output for what was asked for,
//! standard error for problems and progress, each line written whole, and
//! the exit status from whether a command succeeded.
//!
//! Knows how to show a diagnostic and a run's last line; decides nothing
//! about what a command does.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use handbook::pipeline::Run;
use handbook::support::diagnostic::Diagnostic;

/// Writes to standard output; a reader that stopped reading (`| head`)
/// ends the output quietly instead of with a panic.
pub fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes a line to standard error, quietly giving up if it is closed.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Success, or failure when `succeeded` is false.
pub fn exit_code(succeeded: bool) -> ExitCode {
    if succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Whether `stream` is a terminal and `NO_COLOR` is not set.
pub fn colour_wanted(stream: &impl IsTerminal) -> bool {
    std::env::var_os("NO_COLOR").is_none() && stream.is_terminal()
}

/// Prints each diagnostic to standard error with its source lines, in
/// colour on a terminal.
pub fn print_human(diagnostics: &[Diagnostic]) {
    let handler = if colour_wanted(&std::io::stderr()) {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
    };
    for d in diagnostics {
        let report = d.to_report();
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            out = d.to_string();
        }
        say(&out);
    }
}

/// Prints an error and its hint, each `(message, hint)` of `problems`.
pub fn print_errors(problems: &[(String, String)]) {
    for (message, hint) in problems {
        say(&format!("error: {message}"));
        say(&format!("  hint: {hint}"));
    }
}

/// "1 error", "2 notes": a count and its word.
pub fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The last line of `build` (`written` is the output folder) and `check`
/// (`None`): what was made, what was found, and what happened to the output.
pub fn summary(run: &Run, started: Instant, written: Option<&Path>) {
    let totals = run.totals();
    let verb = match (written, run.has_errors()) {
        (_, true) => "Failed",
        (Some(_), false) => "Built",
        (None, false) => "Checked",
    };
    let mut notes = counted(totals.notes, "note");
    if written.is_some() && totals.notes > 0 {
        // `build` prints no notes: they are for review, not for fixing.
        notes.push_str(" (`handbook check` lists them)");
    }
    let outcome = match written {
        Some(out) if !run.has_errors() => format!(" Written to {}.", out.display()),
        Some(_) => " Nothing was written; the previous output is unchanged.".to_string(),
        None => String::new(),
    };
    say(&format!(
        "{verb} {} ({}) in {:.2} s: {}, {}, {notes}.{outcome}",
        counted(totals.editions, "edition"),
        counted(totals.pages, "page"),
        started.elapsed().as_secs_f64(),
        counted(totals.errors, "error"),
        counted(totals.warnings, "warning"),
    ));
}
