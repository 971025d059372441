//! The `handbook` command: parses arguments, runs the pipeline and reports.
//!
//! Only argument handling, printing and exit codes live here; every piece of
//! work is a library call.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use handbook::model::authority::Jurisdiction;
use handbook::pipeline::{self, Editions, Request, Run};
use handbook::support::diagnostic::{Diagnostic, Severity};
use handbook::support::report::{self, Totals};

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
    /// Each problem with its source line, for people.
    Human,
    /// `{"diagnostics": [...], "totals": {...}}`, for scripts.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands: annotations on a pull request.
    Github,
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
        /// Let a build of one edition replace the editions a full build left in --out.
        #[arg(long)]
        replace: bool,
        /// Leave out the published versions (releases) even when the root's git history has them.
        #[arg(long)]
        no_history: bool,
        /// The build cache, where past releases' pages and each edition's search index are kept between builds (default: `.handbook-cache` beside --out). Safe to delete.
        #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
        cache: Option<PathBuf>,
        /// Keep no build cache: make past releases' pages every time.
        #[arg(long)]
        no_cache: bool,
    },
    /// Record a published version of editions: a git tag per edition on the committed root, after a clean check.
    Release {
        /// The editions to release: authority slugs, and `model` for the model edition.
        #[arg(value_name = "SLUG", required_unless_present = "all")]
        editions: Vec<String>,
        /// Release every edition.
        #[arg(long, conflicts_with = "editions")]
        all: bool,
        /// The version, such as `2026.1`.
        #[arg(long = "version", value_name = "V")]
        release_version: String,
        /// What this release changed, in a sentence readers will see.
        #[arg(long)]
        note: String,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// List the published versions recorded in the root's git history.
    Releases {
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
        /// Override files you reviewed, such as `step-3-local-panel.md`, or
        /// translations you checked, such as `translations/step-3.cy.md`.
        #[arg(value_name = "FILE", conflicts_with = "all")]
        files: Vec<String>,
        /// Record the review of every override whose model text changed.
        #[arg(long)]
        all: bool,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a ready-to-edit folder for a new authority, with placeholders to replace.
    NewAuthority {
        /// Folder name and id, such as `north-exampleshire`.
        slug: String,
        #[command(flatten)]
        about: AboutAuthority,
        /// The handbook root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a new handbook root: the model guidance, the default theme and one authority.
    Init {
        /// The new root's folder (made if missing; must be empty).
        dir: PathBuf,
        /// The authority's folder name and id, such as `north-exampleshire`.
        #[arg(long, value_name = "SLUG")]
        authority: String,
        #[command(flatten)]
        about: AboutAuthority,
    },
    /// Write JSON Schemas of handbook.yaml, authority.yaml and front matter, for editors.
    Schema {
        /// The folder to write them to.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
    },
    /// Print a shell's completion script for handbook.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -`.
    Man,
}

/// What `new-authority` and `init` are told about a new authority.
#[derive(Debug, clap::Args)]
struct AboutAuthority {
    /// The authority's full name.
    #[arg(long)]
    name: String,
    /// england, scotland, wales or northern-ireland.
    #[arg(long)]
    jurisdiction: String,
    /// Where readers ask for other formats and report accessibility problems.
    #[arg(long, value_name = "EMAIL")]
    accessibility_email: Option<String>,
}

impl AboutAuthority {
    /// The details of authority `slug`; `None`, said why, when the
    /// jurisdiction is not one of the four.
    fn details<'a>(&'a self, slug: &'a str) -> Option<handbook::tools::scaffold::Details<'a>> {
        let Some(jurisdiction) = Jurisdiction::from_word(&self.jurisdiction) else {
            say(&format!(
                "error: `{}` is not a jurisdiction",
                self.jurisdiction
            ));
            say("  hint: use england, scotland, wales or northern-ireland");
            return None;
        };
        Some(handbook::tools::scaffold::Details {
            slug,
            name: &self.name,
            jurisdiction,
            accessibility_email: self.accessibility_email.as_deref(),
            today: pipeline::today(),
        })
    }
}

#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (its `malloc_conf`; the
/// `_RJEM_MALLOC_CONF` environment variable still overrides them). One arena
/// for every thread: with jemalloc's default of several, each thread keeping
/// to one, the memory the render threads had freed stayed in their arenas
/// while Pagefind's indexing, on one thread, took new memory from its own,
/// and a 10,000-page build with the search index peaked about 15 % higher
/// (3.44 GB against 2.99 GB), for no gain in time (`bench/run.sh`).
#[cfg(target_os = "linux")]
#[export_name = "_rjem_malloc_conf"]
static JEMALLOC_SETTINGS: &[u8; 10] = b"narenas:1\0";

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            authorities,
            out,
            no_search,
            replace,
            no_history,
            cache,
            no_cache,
        } => build(
            root,
            authorities,
            out,
            (no_search, no_history),
            (replace, cache, no_cache),
        ),
        Command::Release {
            editions,
            all,
            release_version,
            note,
            root,
        } => release(&root, editions, all, &release_version, &note),
        Command::Releases { root } => releases(&root),
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
                    say(&format!("error: {e}"));
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
        Command::NewAuthority { slug, about, root } => match about.details(&slug) {
            Some(details) => new_authority(&root, &details),
            None => ExitCode::FAILURE,
        },
        Command::Init {
            dir,
            authority,
            about,
        } => match about.details(&authority) {
            Some(details) => init(&dir, &details),
            None => ExitCode::FAILURE,
        },
        Command::Schema { out } => schema(&out),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "handbook", &mut text);
            print_out(&String::from_utf8_lossy(&text));
            ExitCode::SUCCESS
        }
        Command::Man => {
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
    }
}

/// Writes to standard output; a reader that stopped reading (`| head`)
/// ends the output quietly instead of with a panic.
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Writes a line to standard error, quietly giving up if it is closed.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Refuses a build of one edition into an output folder that holds the
/// editions of a full build, unless `--replace` was given: writing the
/// edition there would delete them. `Some(exit code)` when refused.
fn refuse_to_replace(editions: &Editions, out: &Path, replace: bool) -> Option<ExitCode> {
    let Editions::Authorities(slugs) = editions else {
        return None;
    };
    let found = handbook::stages::write::editions_in(out);
    if replace || slugs.len() != 1 || found.is_empty() {
        return None;
    }
    let slug = &slugs[0];
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
    Some(ExitCode::FAILURE)
}

fn build(
    root: PathBuf,
    authorities: Vec<String>,
    out: Option<PathBuf>,
    (no_search, no_history): (bool, bool),
    (replace, cache, no_cache): (bool, Option<PathBuf>, bool),
) -> ExitCode {
    let started = Instant::now();
    let out = out.unwrap_or_else(|| root.join("public"));
    let cache = (!no_cache).then(|| {
        cache.unwrap_or_else(|| {
            let beside = out.parent().unwrap_or(Path::new("."));
            beside.join(".handbook-cache")
        })
    });
    let editions = Editions::from_slugs(authorities);
    if let Some(refused) = refuse_to_replace(&editions, &out, replace) {
        return refused;
    }
    let request = Request {
        root,
        editions,
        today: pipeline::today(),
        search: !no_search,
        history: !no_history,
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
    let run = match pipeline::build(&request, &out, &progress) {
        Ok(run) => run,
        Err(e) => {
            say(&format!("error: could not write {}: {e}", out.display()));
            say("  hint: check that the folder is writable and the disk is not full; the previous output was left as it was");
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
    summary(&run, started, Some(out.as_path()));
    exit_code(run.has_errors())
}

fn check(root: PathBuf, authorities: Vec<String>, deny_warnings: bool, format: Format) -> ExitCode {
    let started = Instant::now();
    let shown_root = root.to_string_lossy().into_owned();
    let run = pipeline::run(&Request {
        root,
        editions: Editions::from_slugs(authorities),
        today: pipeline::today(),
        // The search index finds nothing wrong with content; making
        // it is most of a large build's time.
        search: false,
        // Past releases were checked when they were made.
        history: false,
        cache: None,
    });
    let pages: usize = run.editions.iter().map(|e| e.pages).sum();
    let totals = Totals::of(&run.diagnostics, run.editions.len(), pages);
    match format {
        Format::Json => print_out(&format!("{}\n", report::json(&run.diagnostics, totals))),
        Format::Sarif => print_out(&format!(
            "{}\n",
            report::sarif(&run.diagnostics, &shown_root, env!("CARGO_PKG_VERSION"))
        )),
        Format::Github => print_out(&report::github(&run.diagnostics, &shown_root)),
        Format::Human => {
            print_human(&run.diagnostics);
            summary(&run, started, None);
        }
    }
    exit_code(run.has_errors() || (deny_warnings && totals.warnings > 0))
}

/// `handbook release`: checks the editions, refuses a root whose files
/// differ from the commit, and tags each edition.
fn release(root: &Path, mut slugs: Vec<String>, all: bool, version: &str, note: &str) -> ExitCode {
    let model = handbook::support::url::MODEL_SLUG;
    let authorities: Vec<String> = slugs.iter().filter(|s| *s != model).cloned().collect();
    let editions = match (
        all,
        slugs.iter().any(|s| s == model),
        authorities.is_empty(),
    ) {
        (false, true, true) => Editions::Model,
        (false, false, _) => Editions::Authorities(authorities),
        _ => Editions::Every,
    };
    let run = pipeline::run(&Request {
        root: root.to_path_buf(),
        editions,
        today: pipeline::today(),
        search: false,
        history: false,
        cache: None,
    });
    if run.has_errors() {
        print_human(&run.diagnostics);
        say("error: nothing was released: the check found errors");
        say("  hint: fix them, commit, and release again");
        return ExitCode::FAILURE;
    }
    if all {
        slugs = run.editions.iter().map(|e| e.slug.clone()).collect();
    }
    match handbook::stages::load::history::uncommitted(root) {
        Ok(files) if files.is_empty() => {}
        Ok(files) => {
            say("error: nothing was released: these files differ from the last commit:");
            for f in files {
                say(&format!("  {f}"));
            }
            say("  hint: a release is what is committed: commit these files (or undo the changes), then release again");
            return ExitCode::FAILURE;
        }
        Err(off) => {
            say(&format!("error: cannot record a release: {}", off.reason()));
            say("  hint: keep the root in git (`git init`, then commit its files)");
            return ExitCode::FAILURE;
        }
    }
    match handbook::stages::load::history::record(root, &slugs, version, note) {
        Ok(tags) => {
            for tag in tags {
                print_out(&format!("Released {version}: tag {tag}\n"));
            }
            ExitCode::SUCCESS
        }
        Err((message, hint)) => {
            say(&format!("error: {message}"));
            if !hint.is_empty() {
                say(&format!("  hint: {hint}"));
            }
            ExitCode::FAILURE
        }
    }
}

/// `handbook releases`: every release, oldest first.
fn releases(root: &Path) -> ExitCode {
    match handbook::stages::load::history::releases(root) {
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
        Err(handbook::stages::load::history::Off::NoReleases) => {
            print_out("No releases have been recorded.\n");
            ExitCode::SUCCESS
        }
        Err(off) => {
            say(&format!("error: cannot list releases: {}", off.reason()));
            ExitCode::FAILURE
        }
    }
}

fn new_authority(root: &Path, details: &handbook::tools::scaffold::Details) -> ExitCode {
    let slug = details.slug;
    match handbook::tools::scaffold::new_authority(root, details) {
        Ok(files) => {
            print_out(&format!("Created local-overrides/{slug}/ with:\n"));
            for f in files {
                print_out(&format!(
                    "  {}\n",
                    handbook::support::diagnostic::display_path(root, &f)
                ));
            }
            // The example override was written against today's model: record that.
            if accept(root, slug, &[], true) != ExitCode::SUCCESS {
                return ExitCode::FAILURE;
            }
            print_out(&format!(
                "Replace each value and file marked `# placeholder` with your own (or delete it): \
                 `handbook check --authority {slug}` warns about each one until you do.\n"
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn init(dir: &Path, details: &handbook::tools::scaffold::Details) -> ExitCode {
    let (slug, name) = (details.slug, details.name);
    match handbook::tools::scaffold::init(dir, details) {
        Ok(()) => {
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
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn schema(out: &Path) -> ExitCode {
    match handbook::tools::schema::write(out) {
        Ok(files) => {
            print_out(&format!(
                "Wrote {} JSON Schemas to {}:\n",
                files.len(),
                out.display()
            ));
            for f in files {
                print_out(&format!("  {f}\n"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!(
                "error: could not write the schemas to {}: {e}",
                out.display()
            ));
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
        say(&out);
    }
}

/// "1 error", "2 notes": a count and its word.
fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The last line of `build` (`written` is the output folder) and `check`
/// (`None`): what was made, what was found, and what happened to the output.
fn summary(run: &Run, started: Instant, written: Option<&Path>) {
    let pages: usize = run.editions.iter().map(|e| e.pages).sum();
    let totals = Totals::of(&run.diagnostics, run.editions.len(), pages);
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
        counted(pages, "page"),
        started.elapsed().as_secs_f64(),
        counted(totals.errors, "error"),
        counted(totals.warnings, "warning"),
    ));
}

fn handbook_diff(root: &Path, slug: &str) -> ExitCode {
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    match pipeline::with_edition(root, slug, |linked| {
        handbook::stages::analyses::differences::to_terminal(linked, colour)
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

/// `handbook accept` for translations: records that the named translations
/// (or all, with `all`) were checked against their source text as it is
/// now, showing the change in the source each check covers.
fn accept_translations(root: &Path, slug: &str, files: &[String], all: bool) -> ExitCode {
    use handbook::stages::overlay::drift::{self, AcceptError, Choice};
    let choice = if all {
        Choice::All
    } else {
        Choice::Files(files)
    };
    let result = pipeline::with_translations(root, slug, |authority, found| {
        drift::accept_translations(found, authority, choice)
    });
    let recorded = match result {
        Ok(Ok(recorded)) => recorded,
        Ok(Err(AcceptError::Unknown(names))) => {
            for (message, hint) in names {
                say(&format!("error: {message}"));
                say(&format!("  hint: {hint}"));
            }
            say("Nothing was recorded.");
            return ExitCode::FAILURE;
        }
        Ok(Err(AcceptError::Io(e))) => {
            say(&format!("error: could not record the check: {e}"));
            say("  hint: check that the authority's folder is writable");
            return ExitCode::FAILURE;
        }
        Err(problems) => {
            print_human(&problems);
            say("Nothing was recorded: fix the errors above first.");
            return ExitCode::FAILURE;
        }
    };
    for r in &recorded {
        match &r.change {
            drift::ModelChange::First(_) | drift::ModelChange::None => print_out(&format!(
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
    ExitCode::SUCCESS
}

/// `handbook accept`: records the review of the named overrides (or all,
/// with `all`), showing the model change each review covers; with neither,
/// lists the stale overrides and fails, so nothing is recorded unseen.
/// Prints `heading` and each of `unreviewed` (file, what it is of, its
/// review), saying `never` or `changed` of each; nothing when there is none.
fn list_unreviewed(
    heading: &str,
    unreviewed: &[(String, String, handbook::stages::overlay::drift::Review)],
    (never, changed): (&str, &str),
) {
    if unreviewed.is_empty() {
        return;
    }
    print_out(&format!("{heading}\n"));
    for (file, of, review) in unreviewed {
        let why = match review {
            handbook::stages::overlay::drift::Review::Never => never,
            _ => changed,
        };
        print_out(&format!("  {file} ({of}): {why}\n"));
    }
}

fn accept(root: &Path, slug: &str, files: &[String], all: bool) -> ExitCode {
    use handbook::stages::overlay::drift::{self, AcceptError, Choice};
    let (translations, files): (Vec<String>, Vec<String>) = files
        .iter()
        .cloned()
        .partition(|f| handbook::model::translation::file_language(f).is_some());
    if all || !translations.is_empty() {
        let code = accept_translations(root, slug, &translations, all);
        if code != ExitCode::SUCCESS || (!all && files.is_empty()) {
            return code;
        }
    }
    let files = files.as_slice();
    // Asked with no file: what needs a review, translations included.
    let stale_translations: Vec<(String, String, drift::Review)> = if files.is_empty() && !all {
        pipeline::with_translations(root, slug, |_, found| {
            found
                .iter()
                .filter(|s| s.review() != drift::Review::Current)
                .map(|s| {
                    let source = s.translation.source_path.clone();
                    (s.file_argument().to_string(), source, s.review())
                })
                .collect()
        })
        .unwrap_or_default()
    } else {
        Vec::new()
    };
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
        Ok(Err(stale)) if stale.is_empty() && stale_translations.is_empty() => {
            print_out(&format!("Every override and translation of {slug} is recorded as reviewed against the current text. Nothing to do.\n"));
            return ExitCode::SUCCESS;
        }
        Ok(Err(stale)) => {
            list_unreviewed(
                &format!("The model text under {} override(s) of {slug} changed since the last review (or was never reviewed):", stale.len()),
                &stale,
                ("never reviewed", "model text changed"),
            );
            list_unreviewed(
                &format!("The source text of {} translation(s) of {slug} changed since the last check (or was never checked):", stale_translations.len()),
                &stale_translations,
                ("never checked", "source text changed"),
            );
            say("Nothing was recorded.");
            say(&format!("  hint: see each change with `handbook check --authority {slug}`; once you have reviewed an override, run `handbook accept {slug} FILE` naming it, or `handbook accept {slug} --all` to record every one"));
            return ExitCode::FAILURE;
        }
        Err(problems) => {
            print_human(&problems);
            say("Nothing was recorded: fix the errors above first.");
            return ExitCode::FAILURE;
        }
    };
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(AcceptError::Unknown(names)) => {
            for (message, hint) in names {
                say(&format!("error: {message}"));
                say(&format!("  hint: {hint}"));
            }
            say("Nothing was recorded.");
            return ExitCode::FAILURE;
        }
        Err(AcceptError::Io(e)) => {
            say(&format!("error: could not record the review: {e}"));
            say("  hint: check that the authority's folder is writable");
            return ExitCode::FAILURE;
        }
    };
    print_accepted(slug, &accepted, all);
    ExitCode::SUCCESS
}

/// Prints what `accept` recorded for the overrides of `slug`: each review
/// with the model change it covers, and those already current.
fn print_accepted(slug: &str, accepted: &handbook::stages::overlay::drift::Accepted, all: bool) {
    use handbook::stages::overlay::drift;
    for path in &accepted.current {
        print_out(&format!(
            "{path}: already recorded as reviewed against the current model text; nothing to do.\n"
        ));
    }
    for r in &accepted.recorded {
        match &r.change {
            drift::ModelChange::First(text) => print_out(&format!(
                "\n{} ({}): first review, against the model text as it is now ({} lines).\n",
                r.file,
                r.target,
                text.lines().count()
            )),
            drift::ModelChange::None => print_out(&format!(
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
