//! What is done with a made site before it is published: the check that
//! every link and file it holds works, and its search index.
//!
//! Works on rendered files only (the output model), so `build` and the
//! preview check and index a site the same way. Imports `text` and
//! `support`; never a stage.

pub mod linkcheck;
pub mod search;
