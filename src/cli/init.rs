//! `handbook init` and `handbook new-authority`: a new handbook root, or a
//! new authority's folder in one, and what to do next.
//!
//! Reads the new authority's details from the arguments and prints what
//! was made; what is written, and the first review a new authority's
//! example override gets, are the library's.

use std::path::Path;
use std::process::ExitCode;

use handbook::model::authority::Jurisdiction;
use handbook::pipeline::{self, review};
use handbook::support::diagnostic::display_path;
use handbook::support::url::published_address;
use handbook::tools::ci::{self, Service};
use handbook::tools::scaffold::{self, Details};

use super::args::{AboutAuthority, Ci, Init, NewAuthority};
use super::print::{print_out, say};

/// The details of authority `slug`; `None`, said why, when the
/// jurisdiction is not one of the four.
fn details<'a>(about: &'a AboutAuthority, slug: &'a str) -> Option<Details<'a>> {
    let Some(jurisdiction) = Jurisdiction::from_word(&about.jurisdiction) else {
        say(&format!(
            "error: `{}` is not a jurisdiction",
            about.jurisdiction
        ));
        say("  hint: use england, scotland, wales or northern-ireland");
        return None;
    };
    let address = match about.address.as_deref().map(published_address) {
        None => None,
        Some(Ok(address)) => Some(address),
        Some(Err(why)) => {
            say(&format!(
                "error: `{}` is not an address the edition can be published at: {why}",
                about.address.as_deref().unwrap_or_default()
            ));
            say("  hint: give the full web address of the folder the edition's home page will be in, such as `--address https://intranet.example/guidance/`");
            return None;
        }
    };
    Some(Details {
        slug,
        name: &about.name,
        jurisdiction,
        accessibility_email: about.accessibility_email.as_deref(),
        address,
        base: None,
        today: pipeline::today(),
    })
}

/// Runs `handbook new-authority`.
pub fn new_authority(args: NewAuthority) -> ExitCode {
    let Some(mut details) = details(&args.about, &args.slug) else {
        return ExitCode::FAILURE;
    };
    details.base = args.base.as_deref();
    let (root, slug) = (&args.root, details.slug);
    let files = match scaffold::new_authority(root, &details) {
        Ok(files) => files,
        Err(e) => {
            say(&format!("error: {e}"));
            return ExitCode::FAILURE;
        }
    };
    print_out(&format!("Created local-overrides/{slug}/ with:\n"));
    for f in &files {
        print_out(&format!("  {}\n", display_path(root, f)));
    }
    let review = review::first_review(root, slug);
    super::accept::print(&review, slug, true);
    if !review.succeeded() {
        return ExitCode::FAILURE;
    }
    print_out(&format!(
        "Replace each value and file marked `# placeholder` with your own (or delete it): \
         `handbook check --authority {slug}` warns about each one until you do.\n"
    ));
    ExitCode::SUCCESS
}

/// Runs `handbook init`.
pub fn init(args: Init) -> ExitCode {
    let Some(details) = details(&args.about, &args.authority) else {
        return ExitCode::FAILURE;
    };
    let service = match args.ci {
        Ci::Github => Some(Service::Github),
        Ci::Gitlab => Some(Service::Gitlab),
        Ci::None => None,
    };
    match scaffold::init(&args.dir, &details, service, args.base.as_deref()) {
        Ok(()) => {
            print_next_steps(&args.dir, &details);
            if let Some(layer) = &args.base {
                print_out(&format!(
                    "It builds on the layer copied from {} into local-overrides/ (`base:` in its authority.yaml): when the layer's publisher issues a new version, copy it over that folder, and `handbook check` shows where it changed under your overrides.\n",
                    layer.display()
                ));
            }
            if let Some(service) = service {
                print_pipeline_steps(service);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// What `init` made in `dir`, and the commands to run next.
fn print_next_steps(dir: &Path, details: &Details) {
    let (slug, name) = (details.slug, details.name);
    let shown = dir.display();
    print_out(&format!(
        "Created a handbook root in {shown}: the model guidance (content/), the default theme \
         (themes/default/), {name} (local-overrides/{slug}/), and JSON Schemas for editors (schemas/).\n\
         Next:\n  cd {shown}\n  handbook check --deny-warnings\n  handbook serve --authority {slug}\n"
    ));
    if details.accessibility_email.is_none() {
        print_out(&format!(
            "Add your accessibility contact to local-overrides/{slug}/authority.yaml before publishing \
             (`handbook check` notes it until then).\n"
        ));
    }
}

/// What to do before the pipeline `init --ci` wrote first runs.
fn print_pipeline_steps(service: Service) {
    let file = ci::file_name(service);
    let version = env!("CARGO_PKG_VERSION");
    print_out(&format!(
        "Wrote the pipeline {file}: it fetches Handbook {version}, checks every change and publishes your edition.\n\
         Before its first run, set HANDBOOK_SHA256 at the top of {file} to the checksum of \
         handbook-{version}-{target} in SHA256SUMS of Handbook's release v{version}{releases}.\n",
        target = ci::TARGET,
        releases = if ci::releases_address().is_empty() {
            ", and HANDBOOK_RELEASES to the address Handbook's release files are downloaded from (the part before `/v<version>/`)"
        } else {
            ""
        },
    ));
}
