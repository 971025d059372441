//! Fingerprints: 128-bit BLAKE3 digests of the inputs an output was made
//! from, so a rebuild can tell what changed.
//!
//! A leaf: it imports nothing from the pipeline.

/// A 128-bit fingerprint of whatever is written into it.
///
/// Keys are made of many short pieces (ids, titles, other fingerprints), so
/// pieces are gathered in a buffer and handed to BLAKE3 in large blocks,
/// which it digests several times faster than one short piece at a time.
#[derive(Default)]
pub struct Fingerprint {
    hasher: blake3::Hasher,
    pending: Vec<u8>,
}

/// How many bytes are gathered before they are digested.
const BLOCK: usize = 16 * 1024;

impl Fingerprint {
    /// Adds a piece of text (its length first, so pieces cannot run together).
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds bytes (their length first).
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.number(bytes.len() as u64);
        if bytes.len() >= BLOCK {
            self.flush();
            self.hasher.update(bytes);
        } else {
            self.pending.extend_from_slice(bytes);
            if self.pending.len() >= BLOCK {
                self.flush();
            }
        }
        self
    }

    /// Adds bytes as they are, without their length: for one long run of
    /// bytes handed over in pieces (how it is cut does not change the
    /// fingerprint).
    pub fn run(&mut self, bytes: &[u8]) -> &mut Self {
        if self.pending.len() + bytes.len() >= BLOCK {
            self.flush();
            self.hasher.update(bytes);
        } else {
            self.pending.extend_from_slice(bytes);
        }
        self
    }

    /// Adds a number.
    pub fn number(&mut self, n: u64) -> &mut Self {
        self.pending.extend_from_slice(&n.to_le_bytes());
        self
    }

    fn flush(&mut self) {
        self.hasher.update(&self.pending);
        self.pending.clear();
    }

    /// The fingerprint.
    pub fn finish(&self) -> [u8; 16] {
        let mut hasher = self.hasher.clone();
        hasher.update(&self.pending);
        let mut out = [0; 16];
        out.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        out
    }
}

/// A fingerprint written as 32 lowercase hexadecimal digits (for names of
/// files).
pub fn hex(key: &[u8; 16]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    fn of(pieces: &[&str]) -> [u8; 16] {
        let mut f = Fingerprint::default();
        for piece in pieces {
            f.text(piece);
        }
        f.finish()
    }

    #[test]
    fn equal_pieces_give_equal_fingerprints_and_pieces_never_run_together() {
        let long = "word ".repeat(10_000);
        assert_eq!(of(&["a", &long, "b"]), of(&["a", &long, "b"]));
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_ne!(of(&["a", &long]), of(&[&long, "a"]));
        let mut longer = long.clone();
        longer.push('x');
        assert_ne!(of(&["a", &long, "b"]), of(&["a", &longer, "b"]));
    }

    #[test]
    fn a_run_of_bytes_has_one_fingerprint_however_it_is_cut() {
        let long = "word ".repeat(10_000);
        let whole = Fingerprint::default().run(long.as_bytes()).finish();
        let (a, b) = long.as_bytes().split_at(7);
        assert_eq!(whole, Fingerprint::default().run(a).run(b).finish());
        let mut small = Fingerprint::default();
        for piece in long.as_bytes().chunks(3) {
            small.run(piece);
        }
        assert_eq!(whole, small.finish());
        assert_ne!(
            whole,
            Fingerprint::default().run(&long.as_bytes()[1..]).finish()
        );
    }

    #[test]
    fn finishing_does_not_change_what_comes_after() {
        let mut f = Fingerprint::default();
        f.text("first");
        let early = f.finish();
        f.text("second");
        assert_ne!(early, f.finish());
        assert_eq!(f.finish(), of(&["first", "second"]));
    }
}
