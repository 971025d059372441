//! Stage 4, analyses: what an edition shows besides its pages, worked out from the linked
//! edition: its glossary, how it differs from the model, what the editors
//! added to In Control's text, and when each page is due for review; and
//! checks of the service around the text: who readers' reports of a
//! problem go to (`feedback`), "must" without a citation (`wording`), and
//! the sign-off rules of local documents (`documents`).
//!
//! Runs after `link` and before `render`; returns values and diagnostics,
//! never HTML.

pub mod differences;
pub mod documents;
pub mod editorial_marks;
pub mod feedback;
pub mod glossary;
pub mod governance;
pub mod wording;
