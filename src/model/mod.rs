//! The value types of a handbook root, as read: pages, an authority and its
//! local content, translations, languages and their words, the theme; the
//! model guidance built into Handbook and the record of which model a root
//! holds (`shipped`).
//!
//! Types and their parsing only: no stage runs here, and nothing here
//! imports a stage. Imports `text` and `support`.

pub mod authority;
pub mod handbook;
pub mod language;
pub mod layered;
pub mod page;
pub mod shipped;
pub mod theme;
pub mod translation;
