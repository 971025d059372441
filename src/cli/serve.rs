//! `handbook serve`: previews one edition on this computer until stopped.
//!
//! Hands the arguments to [`handbook::serve`], which owns the server; says
//! only why it could not start or stopped.

use std::process::ExitCode;

use super::args::Serve;
use super::print::say;

/// Runs `handbook serve`.
pub fn run(args: Serve) -> ExitCode {
    let options = handbook::serve::Options {
        root: args.root,
        authority: args.authority,
        bind: args.bind,
        port: args.port,
    };
    match handbook::serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}
