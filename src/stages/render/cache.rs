//! Incremental rendering: a cache around the [`Renderer`], for `serve`.
//!
//! It remembers, for each output, the key it was made from and its bytes,
//! and makes again only the outputs whose key changed; it also remembers the
//! HTML of each page text by its key ([`TextMemo`]), so that a page made
//! again for a change elsewhere (its "Referenced by" list, say) does not
//! turn its Markdown into HTML again, and the edition's contents list and
//! templates' base values ([`SiteParts`]) by the key of what they are made
//! from. It renders nothing itself: every byte comes from the same
//! [`Renderer`] methods `build` uses.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{Key, OutputKind, Renderer, SiteParts};
use crate::stages::analyses::editorial_marks::Found;
use crate::support::lock::Locked;
use crate::support::memo::Memo;
use crate::support::output::Content;

/// The HTML of page texts, by the key of what each was made from; the
/// editorial changes marked in each model page, by the page's text; each
/// page's part of the credits key; and the last edition's [`SiteParts`].
#[derive(Debug, Default)]
pub struct TextMemo {
    html: Memo<Key, Arc<String>>,
    editorial: Memo<Key, Arc<Vec<Found>>>,
    /// By page id: each page's part of the credits key, with the inputs it
    /// was worked out from (see [`TextMemo::credit_part`]). Read by many
    /// threads at once: it is asked for every model page on every save.
    credit_parts: Memo<String, ([Key; 3], Key)>,
    /// The last edition's [`SiteParts`], by their key.
    site: Mutex<Option<(Key, Arc<SiteParts>)>>,
}

impl TextMemo {
    /// The HTML remembered for `key`, or `make`'s, remembered.
    pub(super) fn get_or_make(&self, key: Key, make: &(dyn Fn() -> String + Sync)) -> Arc<String> {
        self.html.get_or_make(&key, || Arc::new(make()))
    }

    /// The editorial changes remembered for a model page's text (`key`
    /// fingerprints it), or `find`'s, remembered.
    pub(super) fn editorial(&self, key: Key, find: impl FnOnce() -> Vec<Found>) -> Arc<Vec<Found>> {
        self.editorial.get_or_make(&key, || Arc::new(find()))
    }

    /// Page `id`'s part of the credits page's key: the part kept when it
    /// was worked out from the same `inputs` (the edition key, the page's
    /// linked text and its model file; compared as they are, as hashing
    /// them again for each of thousands of pages costs more), else
    /// `make`'s, kept.
    pub(super) fn credit_part(
        &self,
        id: &str,
        inputs: [Key; 3],
        make: impl FnOnce() -> Key,
    ) -> Key {
        match self.credit_parts.get(id) {
            Some((from, part)) if from == inputs => part,
            _ => {
                let part = make();
                self.credit_parts.put(id.to_string(), (inputs, part));
                part
            }
        }
    }

    /// The site parts kept when they were made for the same `key`, else
    /// `make`'s, kept in their place.
    pub(super) fn site_parts(&self, key: Key, make: impl FnOnce() -> SiteParts) -> Arc<SiteParts> {
        let mut site = self.site.locked();
        match site.as_ref() {
            Some((kept, parts)) if *kept == key => Arc::clone(parts),
            _ => {
                let parts = Arc::new(make());
                *site = Some((key, Arc::clone(&parts)));
                parts
            }
        }
    }

    /// Forgets every text not used since the last call.
    fn keep_used(&self) {
        self.html.forget_unused();
        self.editorial.forget_unused();
        self.credit_parts.forget_unused();
    }
}

/// An output as last made: the key it was made from, and its bytes.
type Kept = (Key, Arc<[u8]>);

/// One output's result: its key, its bytes, and whether it was made again.
type Outcome = Option<(Key, Arc<[u8]>, bool)>;

/// The outputs of one edition as last made, and the HTML of its texts.
#[derive(Debug, Default)]
pub struct Cache {
    files: Mutex<foldhash::HashMap<String, Kept>>,
    texts: TextMemo,
    /// The [`Renderer::edition_key`] of the last render.
    edition: Mutex<Option<Key>>,
}

/// What [`Cache::render`] made.
#[derive(Debug, Default)]
pub struct Made {
    /// Every output asked for that could be made, by path, with its bytes.
    pub files: Vec<(String, Arc<[u8]>)>,
    /// The paths of those made again (their bytes may still be the same).
    pub changed: Vec<String>,
}

impl Cache {
    /// The memo of page texts, for [`Renderer::new`].
    pub fn texts(&self) -> &TextMemo {
        &self.texts
    }

    /// Makes `outputs` with `renderer`, each again only if its key changed
    /// since this cache last made it. A page whose own files did not change
    /// keeps its key, without working it out, when nothing the pages share
    /// changed either ([`Renderer::edition_key`]). An output whose template fails is
    /// left out (the renderer reported it) and forgotten. A file the
    /// renderer only names (a static file) is read here; one that cannot be
    /// read is reported as `Err` with the path and the reason.
    pub fn render(
        &self,
        renderer: &Renderer,
        outputs: &[OutputKind],
    ) -> Result<Made, (String, std::io::Error)> {
        let edition = renderer.edition_key();
        // Forgotten until this render has kept what it made.
        let same_edition = self.edition.locked().take() == Some(edition);
        let known = self.files.locked();
        let results: Vec<(String, Outcome)> = outputs
            .par_iter()
            .map(|&output| {
                let path = renderer.path(output);
                if same_edition && renderer.unchanged(output) {
                    // Nothing it is made from changed: its key is the same.
                    if let Some((key, bytes)) = known.get(&path) {
                        return Ok((path, Some((*key, Arc::clone(bytes), false))));
                    }
                }
                let key = renderer.key(output);
                if let (Some(key), Some((before, bytes))) = (key, known.get(&path)) {
                    if key == *before {
                        return Ok((path, Some((key, Arc::clone(bytes), false))));
                    }
                }
                let made = match renderer.make(renderer.prepare(output)) {
                    Some(content) => Some(bytes_of(content).map_err(|e| (path.clone(), e))?),
                    None => None,
                };
                // Without a key, the output is made every time.
                Ok((
                    path,
                    made.map(|bytes| (key.unwrap_or_default(), bytes, true)),
                ))
            })
            .collect::<Result<_, _>>()?;
        drop(known);
        let mut made = Made::default();
        let mut files = self.files.locked();
        for (path, result) in results {
            let Some((key, bytes, fresh)) = result else {
                files.remove(&path);
                continue;
            };
            // An output not made again is kept as it is.
            if fresh {
                made.changed.push(path.clone());
                files.insert(path.clone(), (key, Arc::clone(&bytes)));
            }
            made.files.push((path, bytes));
        }
        *self.edition.locked() = Some(edition);
        Ok(made)
    }

    /// Forgets the edition key of the last render, so the next one works out
    /// every key: for a build stopped after linking and before rendering
    /// (the link stage's memo then knows texts this cache has not seen).
    pub fn forget_edition(&self) {
        *self.edition.locked() = None;
    }

    /// Forgets every output but those at `paths`, and every text not used
    /// since the last call: for after an edition's outputs are all made.
    pub fn keep_only(&self, paths: &HashSet<&str>) {
        self.files
            .locked()
            .retain(|path, _| paths.contains(path.as_str()));
        self.texts.keep_used();
    }
}

/// An output's bytes, read from disk for a copied file.
fn bytes_of(content: Content) -> std::io::Result<Arc<[u8]>> {
    Ok(match content {
        Content::Copy(from) | Content::Kept(from) => std::fs::read(from)?.into(),
        Content::Bytes(bytes) => bytes.into(),
        parts @ Content::Parts(_) => parts.bytes().unwrap_or_default().into_owned().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Page `id`'s part asked for with `inputs`, counting in `made` each time it is made.
    fn asked(memo: &TextMemo, id: &str, inputs: [Key; 3], made: &mut usize) -> Key {
        memo.credit_part(id, inputs, || {
            *made += 1;
            [9; 16]
        })
    }

    #[test]
    fn a_pages_credits_part_is_kept_while_asked_for_and_forgotten_once_it_is_not() {
        let memo = TextMemo::default();
        let mut made = 0;
        let same = [[1; 16], [2; 16], [3; 16]];
        asked(&memo, "step-1", same, &mut made);
        asked(&memo, "step-2", same, &mut made);
        memo.keep_used();
        asked(&memo, "step-1", same, &mut made);
        assert_eq!(made, 2, "kept between builds");
        asked(&memo, "step-1", [[1; 16], [2; 16], [4; 16]], &mut made);
        assert_eq!(made, 3, "made again when its inputs changed");
        memo.keep_used();
        assert_eq!(memo.credit_parts.len(), 1, "step-2 was not asked for");
        memo.keep_used();
        assert!(memo.credit_parts.is_empty());
    }
}
