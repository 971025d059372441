//! `handbook accept`: records a policy lead's review of an authority's
//! overrides and translations, and prints each change the review covers;
//! with no file named, prints what is due for a review.
//!
//! Prints only: which files are translations, what is due, what is
//! recorded and whether it failed are decided by
//! [`handbook::pipeline::review`].

use std::process::ExitCode;

use handbook::pipeline::review::{self, Acceptance, Overrides};
use handbook::stages::overlay::drift::{
    AcceptError, Accepted, Choice, ModelChange, Review, ReviewRecorded, Unreviewed,
};

use super::args::Accept;
use super::print::{exit_code, print_errors, print_human, print_out, say};

/// Runs `handbook accept`.
pub fn run(args: Accept) -> ExitCode {
    let choice = if args.all {
        Choice::All
    } else {
        Choice::Files(&args.files)
    };
    let acceptance = review::accept(&args.root, &args.slug, choice);
    print(&acceptance, &args.slug, args.all);
    exit_code(acceptance.succeeded())
}

/// Prints what `accept` did for authority `slug`, step by step (`all`:
/// every file was chosen).
pub fn print(acceptance: &Acceptance, slug: &str, all: bool) {
    match &acceptance.translations {
        Some(Ok(recorded)) => print_checked(recorded),
        Some(Err(e)) => refused(e, "check"),
        None => {}
    }
    match &acceptance.overrides {
        Some(Ok(Overrides::Due {
            overrides,
            translations,
        })) => print_due(slug, overrides, translations),
        Some(Ok(Overrides::ReviewRecorded(accepted))) => print_accepted(slug, accepted, all),
        Some(Err(e)) => refused(e, "review"),
        None => {}
    }
    for (layer, version) in &acceptance.layer_releases {
        print_out(&format!(
            "Recorded that release {version} of the layer `{layer}` was reviewed.\n"
        ));
    }
}

/// Says why nothing was recorded (the `what`: a check or a review).
fn refused(error: &AcceptError, what: &str) {
    match error {
        AcceptError::Unknown(names) => {
            print_errors(names);
            say("Nothing was recorded.");
        }
        AcceptError::Io(e) => {
            say(&format!("error: could not record the {what}: {e}"));
            say("  hint: check that the authority's folder is writable");
        }
        AcceptError::Problems(problems) => {
            print_human(problems);
            say("Nothing was recorded: fix the errors above first.");
        }
    }
}

/// Prints the translations whose check was recorded, each with the change
/// in its source text the check covers.
fn print_checked(recorded: &[ReviewRecorded]) {
    for r in recorded {
        match &r.change {
            ModelChange::First(_) | ModelChange::None => print_out(&format!(
                "{} ({}): recorded as checked against the source text as it is now.\n",
                r.file, r.target
            )),
            change => print_out(&format!(
                "\n{} ({}): the change in the source text you checked (- was, + now):\n{change}\n",
                r.file, r.target
            )),
        }
    }
    if !recorded.is_empty() {
        print_out(&format!(
            "\nRecorded the check of {} translation(s) against their source text.\n",
            recorded.len()
        ));
    }
}

/// Prints the overrides and translations of `slug` whose review is due,
/// and that nothing was recorded; or that nothing is due.
fn print_due(slug: &str, overrides: &[Unreviewed], translations: &[Unreviewed]) {
    if overrides.is_empty() && translations.is_empty() {
        print_out(&format!("Every override and translation of {slug} is recorded as reviewed against the current text. Nothing to do.\n"));
        return;
    }
    list_due(
        &format!("The model text under {} override(s) of {slug} changed since the last review (or was never reviewed):", overrides.len()),
        overrides,
        ("never reviewed", "model text changed"),
    );
    list_due(
        &format!("The source text of {} translation(s) of {slug} changed since the last check (or was never checked):", translations.len()),
        translations,
        ("never checked", "source text changed"),
    );
    say("Nothing was recorded.");
    say(&format!("  hint: see each change with `handbook check --authority {slug}`; once you have reviewed an override, run `handbook accept {slug} FILE` naming it, or `handbook accept {slug} --all` to record every one"));
}

/// Prints `heading` and each of `due`, saying `never` or `changed` of
/// each; nothing when there is none.
fn list_due(heading: &str, due: &[Unreviewed], (never, changed): (&str, &str)) {
    if due.is_empty() {
        return;
    }
    print_out(&format!("{heading}\n"));
    for Unreviewed { file, of, review } in due {
        let why = match review {
            Review::Never => never,
            _ => changed,
        };
        print_out(&format!("  {file} ({of}): {why}\n"));
    }
}

/// Prints what `accept` recorded for the overrides of `slug`: each review
/// with the model change it covers, and those already current.
fn print_accepted(slug: &str, accepted: &Accepted, all: bool) {
    for path in &accepted.current {
        print_out(&format!(
            "{path}: already recorded as reviewed against the current model text; nothing to do.\n"
        ));
    }
    for r in &accepted.recorded {
        match &r.change {
            ModelChange::First(text) => print_out(&format!(
                "\n{} ({}): first review, against the model text as it is now ({} lines).\n",
                r.file,
                r.target,
                text.lines().count()
            )),
            ModelChange::None => print_out(&format!(
                "\n{} ({}): the model text is unchanged; a copy of it is now kept.\n",
                r.file, r.target
            )),
            change => print_out(&format!(
                "\n{} ({}): the model change you reviewed (- was, + now):\n{change}\n",
                r.file, r.target
            )),
        }
    }
    if accepted.recorded.is_empty() {
        if all {
            print_out(&format!("Every override of {slug} was already recorded as reviewed against the current model.\n"));
        }
    } else {
        print_out(&format!(
            "\nRecorded the review of {} override(s) against the current model:\n",
            accepted.recorded.len()
        ));
        for r in &accepted.recorded {
            print_out(&format!("  {}\n", r.file));
        }
    }
}
