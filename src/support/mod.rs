//! Leaves every other part of Handbook stands on: what an address is, which
//! characters a page may hold, problems as values, fingerprints, locks, the
//! in-memory memo of the preview, safe names, the output model, the
//! machine-readable report, reading one source file, the build cache and an
//! edition's URL scheme.
//!
//! Nothing here knows about pages, authorities or stages: a file in this
//! folder imports only other files of this folder and outside libraries.

pub mod address;
pub mod characters;
pub mod diagnostic;
pub mod fingerprint;
pub mod lock;
pub mod memo;
pub mod names;
pub mod output;
pub mod report;
pub mod source;
pub mod store;
pub mod url;
