//! `handbook schema`: writes the JSON Schemas of the files a policy lead
//! writes, for editors, and lists them.
//!
//! The schemas are [`handbook::tools::schema`]'s; this file only prints.

use std::process::ExitCode;

use super::args::Schema;
use super::print::{print_out, say};

/// Runs `handbook schema`.
pub fn run(args: Schema) -> ExitCode {
    let out = &args.out;
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
