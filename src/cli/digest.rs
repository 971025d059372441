//! `handbook digest SLUG --since V`: writes what changed for staff since a
//! release, as an email-ready HTML file and plain text, and says where.
//!
//! What changed, the words and the files are the library's; this file
//! only turns the arguments into a request and prints the result.

use std::process::ExitCode;

use handbook::pipeline::{self, digest::DigestRequest};

use super::args::DigestArgs;
use super::print::{print_human, print_out, say};

/// Runs `handbook digest`.
pub fn run(args: DigestArgs) -> ExitCode {
    let request = DigestRequest {
        root: args.root,
        slug: args.slug.clone(),
        since: args.since.clone(),
        today: pipeline::today(),
    };
    let made = match pipeline::digest::digest(&request) {
        Ok(made) => made,
        Err(problems) => {
            print_human(&problems);
            return ExitCode::FAILURE;
        }
    };
    match made.write(&args.out, &args.slug) {
        Ok([html, text]) => {
            print_out(&format!(
                "{} page(s) of `{}` changed since version {}. Written:\n  {}  (HTML, for email)\n  {}  (plain text)\n",
                made.digest.pages.len(),
                args.slug,
                args.since,
                html.display(),
                text.display()
            ));
            if made.digest.address.is_none() {
                say("note: the edition has no published address (`address:` in authority.yaml), so the digest names each page's file instead of linking to it");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!(
                "error: cannot write the digest into {}: {e}",
                args.out.display()
            ));
            ExitCode::FAILURE
        }
    }
}
