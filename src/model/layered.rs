//! Whose words each piece of a page's text is, once an overlay has
//! adapted it (issue 35): the marks readers see beside a council's or a
//! layer's text, and the pieces a layer's adapted page is made of, so an
//! edition built on the layer still knows whose words each piece is.
//!
//! Plain values only: the overlay makes them and the render stage shows
//! them; nothing here reads a file or splices text.

use std::sync::Arc;

use crate::model::authority::MarkStyle;
use crate::support::diagnostic::SourceFile;

/// What marks a piece of an adapted page as a council's or a layer's,
/// where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// What the council or layer did there.
    pub kind: MarkKind,
    /// Whose words the text is: the council's name, or the layer's
    /// publisher.
    pub council: String,
    /// The override's entry on the differences page.
    pub anchor: String,
    /// When the local text last changed, as its front matter says.
    pub updated: Option<jiff::civil::Date>,
    /// The edition's marking style.
    pub style: MarkStyle,
}

/// What a council or layer did at a marked place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// Its own text, in place of or beside the model's.
    Local,
    /// A note beside model text, which is unchanged.
    Note,
    /// A notice where it removed model text.
    Removed,
}

/// A piece of a page a layer adapted: where it stands in the page's text
/// as the layer left it, and the file and range it came from.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The byte range of the piece in the adapted page's file.
    pub at: (usize, usize),
    /// The file the text is in (a model page, a layer's override).
    pub file: Arc<SourceFile>,
    /// The byte range of the text in that file.
    pub range: (usize, usize),
    /// Whether the text is a layer's or a council's (not the model's).
    pub local: bool,
    /// How readers are shown whose text it is.
    pub mark: Option<Arc<Mark>>,
}
