//! The sign-off rules of local documents: what `check` refuses or warns of
//! before a document is published, as a council's document library would.
//!
//! Refused (errors): a file with no description, a description with no
//! file, two files with one name, a draft (by its name or title), a type that is not allowed (a PDF whose
//! bytes are not a PDF; an editable file not marked `form: true`; any other
//! type), a macro-enabled file, a file over the size limit, and a review
//! period Handbook cannot read. Warned of: an author in the file's own
//! properties who is not the description's owner or approver (it may name
//! a person the description does not), and an overdue review.
//!
//! Decides only, from what `load` read; reads no file and renders nothing.

use jiff::civil::Date;

use crate::model::authority::{Description, Document, DocumentFile, Magic, MAX_DOCUMENT_BYTES};
use crate::support::diagnostic::Diagnostic;

/// Editable formats, published only as forms (`form: true`).
pub const FORM_EXTENSIONS: &[&str] = &["docx", "odt", "xlsx", "ods"];

/// Office formats that carry macros, refused whatever they are marked.
const MACRO_EXTENSIONS: &[&str] = &[
    "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam",
];

/// Every problem of one document.
pub fn check(document: &Document, today: Date) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let Some(description) = &document.description else {
        for file in &document.files {
            problems.push(
                Diagnostic::error("document-without-description", format!("the document `{}` has no description, so nothing says who owns it, who signed it off or when it is reviewed", file.name))
                    .in_path(&file.shown)
                    .hint(format!("add `{}.yaml` beside it with `title`, `summary`, `topic`, `owner`, `approved_by`, `last_reviewed` and `review_every`", document.id)),
            );
            // What the file itself breaks is told at once, not after the
            // description is written.
            problems.extend(check_contents(file, None));
        }
        return problems;
    };
    match document.files.as_slice() {
        [] => problems.push(
            Diagnostic::error("document-missing", format!("this description is of a document `{}`, but there is no file of that name beside it", document.id))
                .in_file(&description.file)
                .hint(format!("put the file beside it, named `{}.pdf` (or `.docx`, `.odt`, `.xlsx`, `.ods` for a form); or delete the description", document.id)),
        ),
        [file] => problems.extend(check_file(file, description)),
        files => problems.push(
            Diagnostic::error("document-twice", format!("this description has {} files of its name: {}", files.len(), names(files)))
                .in_file(&description.file)
                .hint("keep one file for each description: rename or remove the others"),
        ),
    }
    problems.extend(check_draft(&document.id, description));
    problems.extend(check_review(description, today));
    problems
}

/// An error for a document whose id or title calls it a draft: only a
/// signed-off version is published.
fn check_draft(id: &str, description: &Description) -> Option<Diagnostic> {
    let is_draft = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case("draft"))
    };
    if !is_draft(id) && !is_draft(&description.meta.title) {
        return None;
    }
    let at = description.span("title");
    Some(
        Diagnostic::error("document-draft", format!("the document `{id}` is called a draft, and only a signed-off version is published"))
            .at(&description.file, at.0, at.1)
            .hint("publish the version that was signed off; if this is it, take \"draft\" out of its title and its file's name"),
    )
}

fn names(files: &[DocumentFile]) -> String {
    files
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rules of a document's file: type, macros, size, author.
fn check_file(file: &DocumentFile, description: &Description) -> Vec<Diagnostic> {
    let mut problems = check_contents(file, Some(description));
    problems.extend(check_author(file, description));
    problems
}

/// The rules a file's own bytes, name and size answer: type, macros, size;
/// with its description, whether an editable file is marked as a form.
fn check_contents(file: &DocumentFile, description: Option<&Description>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let ext = file.extension.as_str();
    let macros = file
        .inside
        .iter()
        .any(|n| n.rsplit('/').next() == Some("vbaProject.bin"));
    if MACRO_EXTENSIONS.contains(&ext) || macros {
        problems.push(
            Diagnostic::error(
                "document-has-macros",
                format!(
                    "`{}` is a file with macros, which can run programs on a reader's computer",
                    file.name
                ),
            )
            .in_path(&file.shown)
            .hint("save it as a PDF, or (for a form) as a `.docx` or `.xlsx` without macros"),
        );
    } else if ext == "pdf" && file.magic != Magic::Pdf {
        problems.push(
            Diagnostic::error("not-a-pdf", format!("`{}` is named as a PDF but is not one: it does not start as a PDF does", file.name))
                .in_path(&file.shown)
                .hint("export the document as a PDF again from the program it was written in, and put that file here"),
        );
    } else if FORM_EXTENSIONS.contains(&ext) {
        if file.magic != Magic::Zip {
            problems.push(
                Diagnostic::error("not-an-office-file", format!("`{}` is not the kind of file its name says: it is not a saved `.{ext}` document", file.name))
                    .in_path(&file.shown)
                    .hint("save it again from the program it was written in"),
            );
        } else if let Some(description) = description.filter(|d| !d.meta.form) {
            let at = description.span("title");
            problems.push(
                Diagnostic::error("editable-not-form", format!("`{}` is an editable file, which is published only as a form to fill in", file.name))
                    .at(&description.file, at.0, at.1)
                    .hint("publish it as a PDF so that nobody changes it; or, if readers fill it in, add `form: true` to its description"),
            );
        }
    } else if ext != "pdf" {
        problems.push(
            Diagnostic::error("document-type-not-allowed", format!("`{}` is a kind of file Handbook does not publish as a document", file.name))
                .in_path(&file.shown)
                .hint("publish documents as PDF; a form to fill in may also be `.docx`, `.odt`, `.xlsx` or `.ods` with `form: true` in its description"),
        );
    }
    if file.size > MAX_DOCUMENT_BYTES {
        problems.push(
            Diagnostic::error("document-too-large", format!("`{}` is {}, over the limit of 10 MB: readers on phones and slow connections could not open it", file.name, file.size_text()))
                .in_path(&file.shown)
                .hint("make it smaller (save images at a lower resolution, or split it into parts)"),
        );
    }
    problems
}

/// A warning when the file's own properties name an author the
/// description does not (its owner or who signed it off): often a person's
/// name, published with the file.
fn check_author(file: &DocumentFile, description: &Description) -> Option<Diagnostic> {
    let author = file.author.as_deref()?;
    let same = |given: &str| given.trim().eq_ignore_ascii_case(author.trim());
    if same(&description.meta.owner) || same(&description.meta.approved_by) {
        return None;
    }
    Some(
        Diagnostic::warning("document-names-author", format!("`{}` names \"{author}\" as its author in its properties, which its description does not name: readers can see it", file.name))
            .in_path(&file.shown)
            .hint(format!("clear the author in the file's properties (or set it to the owner, \"{}\"), then save it again", description.meta.owner)),
    )
}

/// The date a document is next due for review, if its period can be read.
pub fn next_review(description: &Description) -> Option<Date> {
    let period = super::governance::parse_period(&description.meta.review_every)?;
    description.meta.last_reviewed.checked_add(period).ok()
}

/// An error for a review period Handbook cannot read, a warning for an
/// overdue review.
fn check_review(description: &Description, today: Date) -> Option<Diagnostic> {
    let Some(due) = next_review(description) else {
        let at = description.span("review_every");
        return Some(
            Diagnostic::error(
                "bad-period",
                format!(
                    "`{}` is not a review period Handbook understands",
                    description.meta.review_every
                ),
            )
            .at(&description.file, at.0, at.1)
            .hint("write a number and a unit, such as `12 months`, `2 years` or `6 weeks`"),
        );
    };
    if due >= today {
        return None;
    }
    let at = description.span("last_reviewed");
    Some(
        Diagnostic::warning(
            "document-review-overdue",
            format!(
                "the document \"{}\" was due for review on {}",
                description.meta.title,
                due.strftime("%-d %B %Y")
            ),
        )
        .at(&description.file, at.0, at.1)
        .hint("review the document, then set `last_reviewed:` to the date of the review"),
    )
}
