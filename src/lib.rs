//! Handbook publishes In Control's open model guidance for social-care staff,
//! and each authority's local edition of it, as accessible static sites.
//!
//! A build is a pipeline of plain values, one module per stage:
//!
//! 1. [`load`] reads a handbook root into [`load::Sources`];
//! 2. [`overlay`] applies one authority's overrides, examples and local pages
//!    to the model, giving an [`overlay::Edition`];
//! 3. [`link`] substitutes variables and resolves cross-references, giving a
//!    [`link::LinkedEdition`];
//! 4. [`render`] turns that into HTML and other files, handing each on as
//!    soon as it is made;
//! 5. [`write`](mod@write) writes each file into a staging folder and swaps
//!    that into the output folder atomically.
//!
//! [`pipeline`] runs the stages; problems are gathered as
//! [`diagnostic::Diagnostic`] values along the way and reported together.

pub mod address;
pub mod authority;
pub mod characters;
pub mod diagnostic;
pub mod differences;
pub mod drift;
pub mod editorial;
pub mod fingerprint;
pub mod frontmatter;
pub mod glossary;
pub mod governance;
pub mod history;
pub mod language;
pub mod link;
pub mod linkcheck;
pub mod load;
pub mod lock;
pub mod markdown;
pub mod names;
pub mod output;
pub mod overlay;
pub mod page;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod source;
pub mod store;
pub mod terms;
pub mod theme;
pub mod translation;
pub mod url;
pub mod write;
