//! The output model every stage after render shares: the files of an
//! edition, in memory, before `write` puts them on disk.
//!
//! A leaf: it imports nothing from the pipeline, and it never reads or
//! writes a file itself (a [`Content::Copy`] or [`Content::Kept`] only
//! names one).

use std::path::PathBuf;
use std::sync::Arc;

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A static file copied as it is.
    Copy(PathBuf),
    /// A file of the build cache that never changes once made (a past
    /// release's page), which the output may share with the cache: `write`
    /// hard-links it where the file system allows, else copies it.
    Kept(PathBuf),
    /// Bytes made by the build, in pieces that several files share (the
    /// contents list that every page of a folder shows), to be joined in order.
    Parts(Vec<Part>),
}

/// A stretch of bytes that several files may share.
#[derive(Debug, Clone)]
pub struct Part {
    bytes: Arc<[u8]>,
    range: std::ops::Range<usize>,
}

impl Part {
    /// A piece of its own.
    pub fn new(bytes: Vec<u8>) -> Self {
        let range = 0..bytes.len();
        Self {
            bytes: bytes.into(),
            range,
        }
    }

    /// Part of shared bytes.
    pub fn shared(bytes: &Arc<[u8]>, range: std::ops::Range<usize>) -> Self {
        Self {
            bytes: Arc::clone(bytes),
            range,
        }
    }

    /// Its bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }
}

impl Content {
    /// The bytes made by the build, joined if in pieces; `None` for a file
    /// copied from disk.
    pub fn bytes(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            Content::Bytes(bytes) => Some(std::borrow::Cow::Borrowed(bytes)),
            Content::Copy(_) | Content::Kept(_) => None,
            Content::Parts(pieces) => {
                let mut joined = Vec::with_capacity(pieces.iter().map(|p| p.range.len()).sum());
                for piece in pieces {
                    joined.extend_from_slice(piece.as_bytes());
                }
                Some(std::borrow::Cow::Owned(joined))
            }
        }
    }

    /// Its bytes: made by the build, or read from disk for a copied file.
    ///
    /// Errors: a copied file that cannot be read, named in the error.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Content::Copy(from) | Content::Kept(from) => std::fs::read(from)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| crate::support::source::naming(from, e)),
            made => Ok(made.bytes().unwrap_or_default()),
        }
    }
}

/// One file of an edition, by its `/`-separated path inside the edition.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the edition folder.
    pub path: String,
    /// What it holds.
    pub content: Content,
}
