//! The `handbook` command line: [`args`] holds the clap tree, and each
//! other file runs one command (or two close ones), turning its arguments
//! into a library call and printing the result through [`print`].
//!
//! No file here decides what a command does: which editions, where output
//! goes, what is recorded and whether a command failed are the library's.
//! A command's file may use `args` and `print`, and `init` uses `accept`'s
//! printing for a new authority's first review; none uses another.

pub mod accept;
pub mod args;
pub mod build;
pub mod candidates;
pub mod check;
pub mod diff;
pub mod digest;
pub mod init;
pub mod manual;
pub mod print;
pub mod release;
pub mod schema;
pub mod serve;
pub mod update_model;
