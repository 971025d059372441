//! The `handbook` command: parses arguments, runs the pipeline and reports.
//!
//! Only argument handling, printing and exit codes live here; every piece of
//! work is a library call.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use handbook::authority::Jurisdiction;
use handbook::diagnostic::{Diagnostic, JsonDiagnostic, Severity};
use handbook::pipeline::{self, Editions, Request, Run};

/// Publishes the In Control model guidance, and each authority's edition of
/// it, as accessible static sites.
#[derive(Debug, Parser)]
#[command(name = "handbook", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the model edition and every authority's edition into static sites.
    Build {
        /// The handbook root (holds content/, themes/, local-overrides/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Build only this authority's edition (repeat for several). With exactly one, it is written at the top of --out.
        #[arg(long = "authority", value_name = "SLUG")]
        authorities: Vec<String>,
        /// Where to write the sites (default ROOT/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave out the search index (faster; the search page then offers only the A to Z).
        #[arg(long)]
        no_search: bool,
    },
    /// Report every problem in the handbook without writing anything.
    Check {
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check only this authority's edition (repeat for several).
        #[arg(long = "authority", value_name = "SLUG")]
        authorities: Vec<String>,
        /// Fail on warnings (overdue reviews, stale overrides) as well as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// How to print problems.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Preview one edition on this computer; pages rebuild and reload as you save.
    Serve {
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Preview this authority's edition (the model's if not given).
        #[arg(long = "authority", value_name = "SLUG")]
        authority: Option<String>,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on. Only this computer can connect unless you change it.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Show how an authority's edition differs from the model.
    Diff {
        /// The authority's folder name under local-overrides/.
        slug: String,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Record that you have reviewed the model's changes under an authority's overrides.
    ///
    /// Name the override files you reviewed (their path under the authority's
    /// overrides/ folder), or give --all. With neither, lists the overrides
    /// whose model text changed and records nothing.
    Accept {
        /// The authority's folder name under local-overrides/.
        slug: String,
        /// Override files you reviewed, such as `step-3-local-panel.md`.
        #[arg(value_name = "FILE", conflicts_with = "all")]
        files: Vec<String>,
        /// Record the review of every override whose model text changed.
        #[arg(long)]
        all: bool,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a ready-to-edit folder for a new authority.
    NewAuthority {
        /// Folder name and id, such as `north-exampleshire`.
        slug: String,
        /// The authority's full name.
        #[arg(long)]
        name: String,
        /// england, scotland, wales or northern-ireland.
        #[arg(long)]
        jurisdiction: String,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            authorities,
            out,
            no_search,
        } => build(root, authorities, out, no_search),
        Command::Check {
            root,
            authorities,
            deny_warnings,
            format,
        } => check(root, authorities, deny_warnings, format),
        Command::Serve {
            root,
            authority,
            port,
            bind,
        } => {
            let options = handbook::serve::Options {
                root,
                authority,
                bind,
                port,
            };
            match handbook::serve::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Diff { slug, root } => handbook_diff(&root, &slug),
        Command::Accept {
            slug,
            files,
            all,
            root,
        } => accept(&root, &slug, &files, all),
        Command::NewAuthority {
            slug,
            name,
            jurisdiction,
            root,
        } => new_authority(&root, &slug, &name, &jurisdiction),
    }
}

fn build(
    root: PathBuf,
    authorities: Vec<String>,
    out: Option<PathBuf>,
    no_search: bool,
) -> ExitCode {
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("public"));
    let request = Request {
        root,
        editions: Editions::from_slugs(authorities),
        today: pipeline::today(),
        search: !no_search,
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
    let run = match pipeline::build(&request, &out, &progress) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: could not write {}: {e}", out.display());
            eprintln!("  hint: check that the folder is writable and the disk is not full; the previous output was left as it was");
            return ExitCode::FAILURE;
        }
    };
    let shown: Vec<Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .cloned()
        .collect();
    print_human(&shown);
    summary(&run, started, run.output.is_some().then_some(out.as_path()));
    exit_code(run.has_errors())
}

fn check(root: PathBuf, authorities: Vec<String>, deny_warnings: bool, format: Format) -> ExitCode {
    let started = Instant::now();
    let run = pipeline::run(&Request {
        root,
        editions: Editions::from_slugs(authorities),
        today: pipeline::today(),
        // The search index finds nothing wrong with content; making
        // it is most of a large build's time.
        search: false,
    });
    match format {
        Format::Json => {
            let list: Vec<JsonDiagnostic> =
                run.diagnostics.iter().map(JsonDiagnostic::from).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into())
            );
        }
        Format::Human => {
            print_human(&run.diagnostics);
            summary(&run, started, None);
        }
    }
    let warnings = run
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    exit_code(run.has_errors() || (deny_warnings && warnings))
}

fn new_authority(root: &std::path::Path, slug: &str, name: &str, jurisdiction: &str) -> ExitCode {
    let Some(jurisdiction) = Jurisdiction::from_word(jurisdiction) else {
        eprintln!("error: `{jurisdiction}` is not a jurisdiction");
        eprintln!("  hint: use england, scotland, wales or northern-ireland");
        return ExitCode::FAILURE;
    };
    match handbook::scaffold::new_authority(root, slug, name, jurisdiction) {
        Ok(files) => {
            println!("Created local-overrides/{slug}/ with:");
            for f in files {
                println!("  {}", handbook::diagnostic::display_path(root, &f));
            }
            // The example override was written against today's model: record that.
            if accept(root, slug, &[], true) != ExitCode::SUCCESS {
                return ExitCode::FAILURE;
            }
            println!("Edit authority.yaml, then run `handbook check --authority {slug}`.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn colour_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn print_human(diagnostics: &[Diagnostic]) {
    let handler = if colour_wanted() {
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
        eprintln!("{out}");
    }
}

fn summary(run: &Run, started: Instant, written: Option<&std::path::Path>) {
    let count = |s| run.diagnostics.iter().filter(|d| d.severity == s).count();
    let pages: usize = run.editions.iter().map(|e| e.pages).sum();
    let verb = match (written, run.has_errors()) {
        (_, true) => "Failed",
        (Some(_), false) => "Built",
        (None, false) => "Checked",
    };
    eprintln!(
        "{verb} {} edition{} ({pages} pages) in {:.2} s: {} error{}, {} warning{}, {} note{}.{}",
        run.editions.len(),
        if run.editions.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        count(Severity::Error),
        if count(Severity::Error) == 1 { "" } else { "s" },
        count(Severity::Warning),
        if count(Severity::Warning) == 1 {
            ""
        } else {
            "s"
        },
        count(Severity::Note),
        if count(Severity::Note) == 1 { "" } else { "s" },
        match (written, run.has_errors()) {
            (Some(out), false) => format!(" Written to {}.", out.display()),
            (_, true) => " Nothing was written; the previous output is unchanged.".to_string(),
            _ => String::new(),
        }
    );
}

fn handbook_diff(root: &std::path::Path, slug: &str) -> ExitCode {
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    match pipeline::with_edition(root, slug, |linked| {
        handbook::differences::to_terminal(linked, colour)
    }) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            print_human(&problems);
            ExitCode::FAILURE
        }
    }
}

/// `handbook accept`: records the review of the named overrides (or all,
/// with `all`), showing the model change each review covers; with neither,
/// lists the stale overrides and fails, so nothing is recorded unseen.
fn accept(root: &std::path::Path, slug: &str, files: &[String], all: bool) -> ExitCode {
    use handbook::drift::{self, AcceptError, Choice};
    let result = pipeline::with_edition(root, slug, |linked| {
        let edition = &linked.edition;
        if files.is_empty() && !all {
            let stale: Vec<(String, String, drift::Review)> = drift::stale(edition)
                .iter()
                .map(|a| {
                    (
                        drift::file_argument(&a.over.file.path).to_string(),
                        a.over.target.to_string(),
                        drift::review(a),
                    )
                })
                .collect();
            return Err(stale);
        }
        let choice = if all {
            Choice::All
        } else {
            Choice::Files(files)
        };
        Ok(drift::accept(edition, choice))
    });
    let accepted = match result {
        Ok(Ok(accepted)) => accepted,
        Ok(Err(stale)) if stale.is_empty() => {
            println!("Every override of {slug} is recorded as reviewed against the current model. Nothing to do.");
            return ExitCode::SUCCESS;
        }
        Ok(Err(stale)) => {
            println!("The model text under {} override(s) of {slug} changed since the last review (or was never reviewed):", stale.len());
            for (file, target, review) in &stale {
                let why = match review {
                    drift::Review::Never => "never reviewed",
                    _ => "model text changed",
                };
                println!("  {file} ({target}): {why}");
            }
            eprintln!("Nothing was recorded.");
            eprintln!("  hint: see each change with `handbook check --authority {slug}`; once you have reviewed an override, run `handbook accept {slug} FILE` naming it, or `handbook accept {slug} --all` to record every one");
            return ExitCode::FAILURE;
        }
        Err(problems) => {
            print_human(&problems);
            eprintln!("Nothing was recorded: fix the errors above first.");
            return ExitCode::FAILURE;
        }
    };
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(AcceptError::Unknown(names)) => {
            for (message, hint) in names {
                eprintln!("error: {message}");
                eprintln!("  hint: {hint}");
            }
            eprintln!("Nothing was recorded.");
            return ExitCode::FAILURE;
        }
        Err(AcceptError::Io(e)) => {
            eprintln!("error: could not record the review: {e}");
            eprintln!("  hint: check that the authority's folder is writable");
            return ExitCode::FAILURE;
        }
    };
    for path in &accepted.current {
        println!(
            "{path}: already recorded as reviewed against the current model text; nothing to do."
        );
    }
    for r in &accepted.recorded {
        match &r.change {
            drift::ModelChange::First(text) => println!(
                "\n{} ({}): first review, against the model text as it is now ({} lines).",
                r.file,
                r.target,
                text.lines().count()
            ),
            drift::ModelChange::None => println!(
                "\n{} ({}): the model text is unchanged; a copy of it is now kept.",
                r.file, r.target
            ),
            change => println!(
                "\n{} ({}): the model change you reviewed (- was, + now):\n{change}",
                r.file, r.target
            ),
        }
    }
    if accepted.recorded.is_empty() {
        if all {
            println!("Every override of {slug} was already recorded as reviewed against the current model.");
        }
    } else {
        println!(
            "\nRecorded the review of {} override(s) against the current model:",
            accepted.recorded.len()
        );
        for r in &accepted.recorded {
            println!("  {}", r.file);
        }
    }
    ExitCode::SUCCESS
}
