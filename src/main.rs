//! The `handbook` command: parses the arguments and runs the command's
//! module under `cli/`, which calls the library and prints the result.
//!
//! Only dispatch lives here (and the choice of allocator); the clap tree is
//! `cli/args.rs`, and every decision is the library's.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

// jemalloc on Linux (glibc, and musl for the static release binaries); the
// system's allocator on Windows and macOS, where jemalloc is not built
// (the cfg of its dependency in Cargo.toml).
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
    // Shell completion runs `handbook` with `COMPLETE` set: answered here.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    match Cli::parse().command {
        Command::Build(args) => cli::build::run(args),
        Command::Release(args) => cli::release::run(args),
        Command::Releases(args) => cli::release::list(args),
        Command::Check(args) => cli::check::run(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Diff(args) => cli::diff::run(args),
        Command::Digest(args) => cli::digest::run(args),
        Command::Accept(args) => cli::accept::run(args),
        Command::NewAuthority(args) => cli::init::new_authority(args),
        Command::Init(args) => cli::init::init(args),
        Command::UpdateModel(args) => cli::update_model::run(args),
        Command::Schema(args) => cli::schema::run(args),
        Command::Completions(args) => cli::manual::completions(args),
        Command::Man => cli::manual::man(),
    }
}
