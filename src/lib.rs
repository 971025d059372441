//! Handbook publishes In Control's open model guidance for social-care staff,
//! and each authority's local edition of it, as accessible static sites.
//!
//! The folders follow the data (see `ARCHITECTURE.md`):
//!
//! - [`support`], [`text`] and [`model`]: the leaves, the languages a policy
//!   lead writes in, and the value types of a handbook root;
//! - [`stages`]: load → overlay → link → analyses → render → write, each a
//!   plain value in and a plain value out;
//! - [`site`]: the link check and search index of a made site;
//! - [`pipeline`]: runs the stages for `build` and for the preview;
//! - [`serve`]: the preview server; [`tools`]: `init`, `new-authority` and
//!   the schemas.
//!
//! Problems are gathered as [`support::diagnostic::Diagnostic`] values along
//! the way and reported together.

pub mod model;
pub mod pipeline;
pub mod serve;
pub mod site;
pub mod stages;
pub mod support;
pub mod text;
pub mod tools;
