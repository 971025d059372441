//! The stages of a build, in the order data flows through them:
//!
//! 1. [`load`] reads a handbook root into [`load::Sources`] (and its
//!    recorded releases from git, [`load::history`]);
//! 2. [`overlay`] applies one authority's overrides, examples and local
//!    pages to the model, giving an [`overlay::Edition`], and finds where
//!    the model drifted under an override ([`overlay::drift`]);
//! 3. [`link`] substitutes variables and resolves cross-references, giving
//!    a [`link::LinkedEdition`];
//! 4. [`analyses`] work out what an edition shows besides its pages;
//! 5. [`render`] turns that into HTML and other files;
//! 6. [`write`](mod@write) puts the files into the output folder atomically.
//!
//! A stage imports earlier stages, `model`, `text` and `support`; never a
//! later stage, and never `pipeline`, `site` or `serve`.

pub mod analyses;
pub mod link;
pub mod load;
pub mod overlay;
pub mod render;
pub mod write;
