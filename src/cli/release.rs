//! `handbook release` and `handbook releases`: records a published version
//! of editions as git tags, and lists the versions recorded.
//!
//! Prints what the library did or why it refused; which editions a release
//! covers, and what must hold before it is tagged, are the library's.

use std::process::ExitCode;

use handbook::pipeline::{
    self,
    record::{self, NotReleased},
};
use handbook::stages::load::history::{self, Off};

use super::args::{RecordRelease, Releases};
use super::print::{print_human, print_out, say};

/// Runs `handbook release`.
pub fn run(args: RecordRelease) -> ExitCode {
    let editions = (!args.all).then_some(args.editions.as_slice());
    let version = &args.release_version;
    match record::release(&args.root, editions, version, &args.note) {
        Ok(tags) => {
            for tag in tags {
                print_out(&format!("Released {version}: tag {tag}\n"));
            }
            write_digests(&args);
            ExitCode::SUCCESS
        }
        Err(not) => {
            refused(not);
            ExitCode::FAILURE
        }
    }
}

/// Writes the digest of each edition released since its release before
/// (see [`pipeline::digest::of_release`]) into `--digest-out`, and says
/// where. The release stands whatever happens here (the command still
/// succeeds): a digest that cannot be made is reported with the command
/// that makes it later.
fn write_digests(args: &RecordRelease) {
    let version = &args.release_version;
    let made = match pipeline::digest::of_release(&args.root, version, pipeline::today()) {
        Ok(made) => made,
        Err(problem) => return print_human(&[problem]),
    };
    for (slug, digest) in made {
        let written = digest
            .map_err(|problems| print_human(&problems))
            .and_then(|made| {
                let since = made.digest.since.clone();
                let files = made.write(&args.digest_out, &slug).map_err(|e| {
                    say(&format!(
                        "error: cannot write the digest into {}: {e}",
                        args.digest_out.display()
                    ))
                })?;
                Ok((since, files))
            });
        match written {
            Ok((since, [html, text])) => print_out(&format!(
                "What changed in `{slug}` since version {since}, for staff:\n  {}  (HTML, for email)\n  {}  (plain text)\n",
                html.display(),
                text.display()
            )),
            Err(()) => {
                say(&format!("  hint: the release is recorded; make its digest later with `handbook digest {slug} --since VERSION`"));
            }
        }
    }
}

/// Says why nothing was released, and what to do.
fn refused(not: NotReleased) {
    match not {
        NotReleased::Errors(diagnostics) => {
            print_human(&diagnostics);
            say("error: nothing was released: the check found errors");
            say("  hint: fix them, commit, and release again");
        }
        NotReleased::Uncommitted(files) => {
            say("error: nothing was released: these files differ from the last commit:");
            for f in files {
                say(&format!("  {f}"));
            }
            say("  hint: a release is what is committed: commit these files (or undo the changes), then release again");
        }
        NotReleased::NoHistory(off) => {
            say(&format!("error: cannot record a release: {}", off.reason()));
            say("  hint: keep the root in git (`git init`, then commit its files)");
        }
        NotReleased::Refused(refused) => {
            say(&format!("error: {}", refused.why));
            if !refused.hint.is_empty() {
                say(&format!("  hint: {}", refused.hint));
            }
        }
    }
}

/// Runs `handbook releases`: every release, oldest first.
pub fn list(args: Releases) -> ExitCode {
    match history::releases(&args.root) {
        Ok(recorded) => {
            for i in &recorded.ignored {
                say(&format!(
                    "warning: the tag {} is not a release: {}\n  help: {}",
                    i.tag, i.why, i.hint
                ));
            }
            for r in recorded.releases {
                print_out(&format!(
                    "{}\t{}\t{}\t{}\n",
                    r.edition, r.version, r.date, r.note
                ));
            }
            ExitCode::SUCCESS
        }
        Err(Off::NoReleases) => {
            print_out("No releases have been recorded.\n");
            ExitCode::SUCCESS
        }
        Err(off) => {
            say(&format!("error: cannot list releases: {}", off.reason()));
            ExitCode::FAILURE
        }
    }
}
