//! Fingerprints: 128-bit BLAKE3 digests of the inputs an output was made
//! from, so a rebuild can tell what changed.
//!
//! A leaf: it imports nothing from the pipeline.

/// A 128-bit fingerprint of whatever is written into it.
#[derive(Default)]
pub struct Fingerprint(blake3::Hasher);

impl Fingerprint {
    /// Adds a piece of text (its length first, so pieces cannot run together).
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds bytes (their length first).
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a number.
    pub fn number(&mut self, n: u64) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// The fingerprint.
    pub fn finish(&self) -> [u8; 16] {
        let mut out = [0; 16];
        out.copy_from_slice(&self.0.finalize().as_bytes()[..16]);
        out
    }
}
