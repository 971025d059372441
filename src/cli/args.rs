//! The command line: every command, argument and help text of `handbook`,
//! as clap reads them, with one [`clap::Args`] struct per command that is
//! handed whole to that command's module.
//!
//! Describes arguments only: no defaults decided here beyond what clap
//! shows in the help, and no work done (what completion offers for an
//! authority is `candidates`').

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::candidates;

/// Publishes the In Control model guidance, and each authority's edition of
/// it, as accessible static sites.
#[derive(Debug, Parser)]
#[command(name = "handbook", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// How `check` prints the problems it found.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Each problem with its source line, for people.
    Human,
    /// `{"diagnostics": [...], "totals": {...}}`, for scripts.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands: annotations on a pull request.
    Github,
}

/// The commands. The doc comment of each is its help.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the model edition and every authority's edition into static sites.
    Build(Build),
    /// Record a published version of editions: a git tag per edition on the committed root, after a clean check.
    Release(RecordRelease),
    /// List the published versions recorded in the root's git history.
    Releases(Releases),
    /// Report every problem in the handbook without writing anything.
    Check(Check),
    /// Preview one edition on this computer; pages rebuild and reload as you save.
    Serve(Serve),
    /// Show how an authority's edition differs from the model.
    Diff(Diff),
    /// Write what changed for staff since a release, as an email-ready HTML file and plain text.
    ///
    /// Each page whose text changed since the release (new, changed or
    /// removed), with the notes of what changed and a link (when the
    /// edition has a published `address:`), and the versions published since.
    Digest(DigestArgs),
    /// Record that you have reviewed the model's changes under an authority's overrides.
    ///
    /// Name the override files you reviewed (their path under the authority's
    /// overrides/ folder), or give --all. With neither, lists the overrides
    /// whose model text changed and records nothing.
    Accept(Accept),
    /// Create a ready-to-edit folder for a new authority, with placeholders to replace.
    NewAuthority(NewAuthority),
    /// Start a new handbook root: the model guidance, the default theme and one authority.
    Init(Init),
    /// Take the model guidance this handbook carries into a root, and list what then needs review.
    ///
    /// Shows what changed in the model (pages, sections, words) and the
    /// overrides, notes and translations to review; writes only content/.
    /// Refuses when content/ has been edited in the root.
    UpdateModel(UpdateModel),
    /// Write JSON Schemas of handbook.yaml, authority.yaml and front matter, for editors.
    Schema(Schema),
    /// Print a shell's completion script for handbook.
    Completions(Completions),
    /// Print the manual page (roff), for `man -l -`.
    Man,
}

/// What `handbook build` is told (its help is on [`Command::Build`]).
#[derive(Debug, clap::Args)]
pub struct Build {
    /// The handbook root (holds content/, themes/, local-overrides/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Build only this authority's edition (repeat for several). With exactly one, it is written at the top of --out.
    #[arg(long = "authority", value_name = "SLUG", add = candidates::authorities())]
    pub authorities: Vec<String>,
    /// Where to write the sites (default ROOT/public).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Leave out the search index (faster; the search page then offers only the A to Z).
    #[arg(long)]
    pub no_search: bool,
    /// Let a build of one edition replace the editions a full build left in --out.
    #[arg(long)]
    pub replace: bool,
    /// Leave out the published versions (releases) even when the root's git history has them.
    #[arg(long)]
    pub no_history: bool,
    /// The build cache, where past releases' pages and each edition's search index are kept between builds (default: `.handbook-cache` beside --out). Safe to delete.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Keep no build cache: make past releases' pages every time.
    #[arg(long)]
    pub no_cache: bool,
}

/// What `handbook release` is told (its help is on [`Command::Release`]).
#[derive(Debug, clap::Args)]
pub struct RecordRelease {
    /// The editions to release: authority slugs, and `model` for the model edition.
    #[arg(value_name = "SLUG", required_unless_present = "all", add = candidates::editions())]
    pub editions: Vec<String>,
    /// Release every edition.
    #[arg(long, conflicts_with = "editions")]
    pub all: bool,
    /// The version, such as `2026.1`.
    #[arg(long = "version", value_name = "V")]
    pub release_version: String,
    /// What this release changed, in a sentence readers will see.
    #[arg(long)]
    pub note: String,
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The folder to write each edition's digest into: what changed for
    /// staff since its release before, as an email-ready HTML file and
    /// plain text.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub digest_out: PathBuf,
}

/// What `handbook releases` is told (its help is on [`Command::Releases`]).
#[derive(Debug, clap::Args)]
pub struct Releases {
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `handbook check` is told (its help is on [`Command::Check`]).
#[derive(Debug, clap::Args)]
pub struct Check {
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Check only this authority's edition (repeat for several).
    #[arg(long = "authority", value_name = "SLUG", add = candidates::authorities())]
    pub authorities: Vec<String>,
    /// Fail on warnings (overdue reviews, stale overrides) as well as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Where `build` will write the sites, as given to `build --out` (default ROOT/public): warns when the build cache would be published inside it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The build cache, as given to `build --cache` (default: `.handbook-cache` beside --out).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

/// What `handbook serve` is told (its help is on [`Command::Serve`]).
#[derive(Debug, clap::Args)]
pub struct Serve {
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Preview this authority's edition (the model's if not given).
    #[arg(long = "authority", value_name = "SLUG", add = candidates::authorities())]
    pub authority: Option<String>,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on. Only this computer can connect unless you change it.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

/// What `handbook diff` is told (its help is on [`Command::Diff`]).
#[derive(Debug, clap::Args)]
pub struct Diff {
    /// The authority's folder name under local-overrides/.
    #[arg(add = candidates::authorities())]
    pub slug: String,
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `handbook digest` is told (its help is on [`Command::Digest`]).
#[derive(Debug, clap::Args)]
pub struct DigestArgs {
    /// The edition: the authority's folder name under local-overrides/, or `model`.
    pub slug: String,
    /// The published version the digest starts from, such as `2026.1`.
    #[arg(long, value_name = "V")]
    pub since: String,
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The folder to write the two files into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

/// What `handbook accept` is told (its help is on [`Command::Accept`]).
#[derive(Debug, clap::Args)]
pub struct Accept {
    /// The authority's folder name under local-overrides/.
    #[arg(add = candidates::authorities())]
    pub slug: String,
    /// Override files you reviewed, such as `step-3-local-panel.md`, or
    /// translations you checked, such as `translations/step-3.cy.md`.
    #[arg(value_name = "FILE", conflicts_with = "all")]
    pub files: Vec<String>,
    /// Record the review of every override whose model text changed.
    #[arg(long)]
    pub all: bool,
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `handbook new-authority` is told (its help is on [`Command::NewAuthority`]).
#[derive(Debug, clap::Args)]
pub struct NewAuthority {
    /// Folder name and id, such as `north-exampleshire`.
    pub slug: String,
    #[command(flatten)]
    pub about: AboutAuthority,
    /// The folder name of a layer of the root (an adaptation several authorities share, `kind: layer`) that the new edition builds on.
    #[arg(long, value_name = "LAYER")]
    pub base: Option<String>,
    /// The handbook root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `handbook init` is told (its help is on [`Command::Init`]).
#[derive(Debug, clap::Args)]
pub struct Init {
    /// The new root's folder (made if missing; must be empty).
    pub dir: PathBuf,
    /// The authority's folder name and id, such as `north-exampleshire`.
    #[arg(long, value_name = "SLUG")]
    pub authority: String,
    #[command(flatten)]
    pub about: AboutAuthority,
    /// Also write the council's own pipeline, which fetches a pinned Handbook release, checks every change and publishes the council's editions: `.github/workflows/handbook.yml` or `.gitlab-ci.yml`.
    #[arg(long, value_enum, default_value = "none")]
    pub ci: Ci,
    /// Build on a layer, an adaptation several councils share (a national or regional body's): the layer's folder as its publisher gives it, holding an authority.yaml that says `kind: layer`. It is copied into local-overrides/ and named as the new authority's `base:`.
    #[arg(long, value_name = "LAYER_FOLDER")]
    pub base: Option<PathBuf>,
}

/// Which pipeline `handbook init --ci` writes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Ci {
    /// GitHub Actions: `.github/workflows/handbook.yml`, publishing with GitHub Pages.
    Github,
    /// GitLab CI/CD: `.gitlab-ci.yml`, publishing with GitLab Pages.
    Gitlab,
    /// No pipeline.
    None,
}

/// What `handbook update-model` is told (its help is on [`Command::UpdateModel`]).
#[derive(Debug, clap::Args)]
pub struct UpdateModel {
    /// The handbook root (default: this folder).
    #[arg(value_name = "ROOT", conflicts_with = "root")]
    pub folder: Option<PathBuf>,
    /// The handbook root, as the other commands take it.
    #[arg(long, value_name = "ROOT")]
    pub root: Option<PathBuf>,
    /// Show what would change, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files of content/ that were edited in this root with the model's (the edits are lost).
    #[arg(long)]
    pub discard_local_edits: bool,
}

/// What `handbook schema` is told (its help is on [`Command::Schema`]).
#[derive(Debug, clap::Args)]
pub struct Schema {
    /// The folder to write them to.
    #[arg(long, default_value = "schemas")]
    pub out: PathBuf,
}

/// What `handbook completions` is told (its help is on [`Command::Completions`]).
#[derive(Debug, clap::Args)]
pub struct Completions {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// What `new-authority` and `init` are told about a new authority.
#[derive(Debug, clap::Args)]
pub struct AboutAuthority {
    /// The authority's full name.
    #[arg(long)]
    pub name: String,
    /// england, scotland, wales or northern-ireland.
    #[arg(long)]
    pub jurisdiction: String,
    /// Where readers ask for other formats and report accessibility problems.
    #[arg(long, value_name = "EMAIL")]
    pub accessibility_email: Option<String>,
    /// The full web address the edition is published at (the folder of its home page), such as https://intranet.example/guidance/: gives it a sitemap and a 404 page that works in any folder.
    #[arg(long, value_name = "URL")]
    pub address: Option<String>,
}
