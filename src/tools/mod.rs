//! Tools for people who keep a handbook root, beside the build: new folders
//! to start from (`init`, `new-authority`), the council's own pipeline
//! (`init --ci`) and the JSON Schemas of the files a policy lead writes.
//!
//! May read the model's types and the load stage; never renders or writes
//! an edition.

pub mod ci;
pub mod scaffold;
pub mod schema;
