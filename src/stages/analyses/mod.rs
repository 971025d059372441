//! Stage 4, analyses: what an edition shows besides its pages, worked out from the linked
//! edition: its glossary, how it differs from the model, what the editors
//! added to In Control's text, and when each page is due for review.
//!
//! Runs after `link` and before `render`; returns values and diagnostics,
//! never HTML.

pub mod differences;
pub mod editorial_marks;
pub mod glossary;
pub mod governance;
