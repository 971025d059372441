//! Editions built through layers (issue 35): the model with each layer's
//! overlay applied in turn, the layer next to the model first, gives the
//! model an authority's own overlay is applied to ([`Layered`]).
//!
//! Each page a layer adapted becomes one page again, its text the layer's
//! edition of it, so the next overlay finds its sections by the same ids;
//! the page keeps, as [`Piece`]s, which file each piece came from and whose
//! words it is, and [`model_chunks`] gives those pieces back as chunks, so
//! a layer's text stays marked with its publisher and its problems are
//! reported at its own file. A layer's own pages join the model's.
//!
//! It does not resolve links or substitute variables: the edition built on
//! the layers does, with the authority's settings.

use super::*;
use crate::model::layered::Piece;

/// The model as the layers under an authority left it, with what each
/// layer changed, for the authority's overlay to build on.
#[derive(Debug)]
pub struct Layered<'s> {
    /// The model with every layer's changes.
    pub model: Model,
    /// The layers, the one next to the model first.
    pub layers: Vec<&'s Authority>,
    /// Every layer's overrides as applied, the lowest layer's first.
    pub applied: Vec<AppliedOverride<'s>>,
}

/// `model` with each of `layers` applied in turn (the one next to the
/// model first). Problems in a layer's files are reported once, at them.
pub fn layered<'s>(
    model: &Model,
    layers: &[&'s Authority],
    diagnostics: &Diagnostics,
) -> Layered<'s> {
    let mut current = Model {
        meta: model.meta.clone(),
        pages: model.pages.clone(),
        broken_ids: model.broken_ids.clone(),
        removed: model.removed.clone(),
    };
    let mut applied = Vec::new();
    for &layer in layers {
        let (next, own) = one_layer(&current, layer, diagnostics);
        applied.extend(own);
        current = next;
    }
    Layered {
        model: current,
        layers: layers.to_vec(),
        applied,
    }
}

/// `base` with `layer`'s overlay applied, as a model, and the layer's
/// overrides as applied.
fn one_layer<'s>(
    base: &Model,
    layer: &'s Authority,
    diagnostics: &Diagnostics,
) -> (Model, Vec<AppliedOverride<'s>>) {
    let edition = build(base, Some(layer), diagnostics);
    let mut pages = BTreeMap::new();
    for page in &edition.pages {
        let made = match page.origin {
            Origin::Model => base.pages.get(page.id()).cloned(),
            Origin::Adapted => base
                .pages
                .get(page.id())
                .and_then(|source| adapted(source, &page.chunks)),
            Origin::Local => layer
                .pages
                .iter()
                .find(|p| p.id() == page.id())
                .map(|own| own_page(own, layer)),
        };
        if let Some(mut made) = made {
            // Under the page the layer put it under, when that is not where
            // its own settings put it (its parent was removed).
            if model_parent(&made, &edition.home) != page.parent {
                made.meta.parent = page.parent.clone();
            }
            pages.insert(page.id().to_string(), made);
        }
    }
    let mut removed = base.removed.clone();
    let mut applied = Vec::new();
    for a in &edition.applied {
        if a.over.action == Action::Remove {
            let by = (layer.slug.clone(), a.over.file.path.clone());
            removed.insert(a.over.target.to_string(), by);
        }
        // The same override, borrowed for as long as the layer is.
        if let Some(over) = layer.overrides.iter().find(|o| std::ptr::eq(*o, a.over)) {
            applied.push(AppliedOverride {
                over,
                layer: Some(layer),
                anchor: a.anchor.clone(),
                on_layer_text: a.on_layer_text,
                page_title: a.page_title.clone(),
                section_title: a.section_title.clone(),
                model_text: a.model_text.clone(),
            });
        }
    }
    let model = Model {
        meta: base.meta.clone(),
        pages,
        broken_ids: base.broken_ids.clone(),
        removed,
    };
    (model, applied)
}

/// A page as a layer adapted it: `source`'s front matter and the chunks'
/// text, read again for its sections, with the chunks kept as its pieces.
fn adapted(source: &Page, chunks: &[Chunk]) -> Option<Page> {
    let mut text = source.file.text[..source.body_start].to_string();
    let mut pieces = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let start = text.len();
        text.push_str(chunk.text());
        pieces.push(Piece {
            at: (start, text.len()),
            file: Arc::clone(&chunk.file),
            range: chunk.range,
            local: chunk.local,
            mark: chunk.mark.clone(),
        });
    }
    // Problems in the text are reported where the edition links it, at
    // the pieces' own files.
    let mut ignored = Vec::new();
    let mut page = Page::parse(
        SourceFile::new(source.file.path.clone(), text),
        &mut ignored,
    )
    .ok()?;
    page.folder_parent = source.folder_parent.clone();
    page.title_file = source.title_file.clone();
    page.pieces = pieces;
    Some(page)
}

/// A layer's own page, as a page of the model it leaves: all of its text
/// marked as the layer's.
fn own_page(page: &Page, layer: &Authority) -> Page {
    let mut made = page.clone();
    made.pieces = vec![Piece {
        at: (page.body_start, page.file.text.len()),
        file: Arc::clone(&page.file),
        range: (page.body_start, page.file.text.len()),
        local: true,
        mark: Some(Arc::new(Mark {
            kind: MarkKind::Local,
            council: layer.config.publisher().to_string(),
            anchor: layer_anchor(layer),
            updated: page.meta.last_reviewed,
            style: layer.config.theme.provenance,
        })),
    }];
    made
}

/// The differences page's entry for a layer as a whole.
pub fn layer_anchor(layer: &Authority) -> String {
    format!("layer-{}", layer.slug)
}

/// The chunks of the text of `page` from byte `from` to `to`: one chunk of
/// its file, or, for a page a layer adapted, the pieces it is made of,
/// each still of its own file and marked as whose words it is.
pub(super) fn model_chunks(page: &Page, from: usize, to: usize) -> Vec<Chunk> {
    if to <= from {
        return Vec::new();
    }
    if page.pieces.is_empty() {
        return vec![Chunk {
            file: Arc::clone(&page.file),
            range: (from, to),
            local: false,
            mark: None,
        }];
    }
    page.pieces
        .iter()
        .filter(|p| p.at.1 > from && p.at.0 < to)
        .map(|p| {
            let start = p.range.0 + from.max(p.at.0) - p.at.0;
            let end = p.range.0 + to.min(p.at.1) - p.at.0;
            Chunk {
                file: Arc::clone(&p.file),
                range: (start, end),
                local: p.local,
                mark: p.mark.clone(),
            }
        })
        .collect()
}

/// An authority's edition built on `layered`: its overlay applied to the
/// model as the layers left it, with the layers' overrides listed before
/// its own and the layers' examples attached before its own.
pub fn edition_on<'s>(
    layered: &'s Layered<'s>,
    authority: &'s Authority,
    diagnostics: &Diagnostics,
) -> Edition<'s> {
    let mut edition = build(&layered.model, Some(authority), diagnostics);
    with_layers(&mut edition, layered, diagnostics);
    edition
}

/// The layers' marks on an edition's pages in the edition's own marking
/// style (`theme: provenance:` of the authority the edition is for).
fn in_edition_style(edition: &mut Edition) {
    let Some(authority) = edition.authority else {
        return;
    };
    let style = authority.config.theme.provenance;
    for page in &mut edition.pages {
        for chunk in &mut page.chunks {
            if let Some(mark) = chunk.mark.as_mut().filter(|m| m.style != style) {
                Arc::make_mut(mark).style = style;
            }
        }
    }
}

/// Adds the layers' overrides and examples to an edition built on them.
pub fn with_layers<'s>(
    edition: &mut Edition<'s>,
    layered: &'s Layered<'s>,
    diagnostics: &Diagnostics,
) {
    let mut problems = Vec::new();
    let mut examples = Vec::new();
    for layer in &layered.layers {
        attach_examples(layer, &mut edition.pages, &mut examples, &mut problems);
    }
    examples.append(&mut edition.examples);
    edition.examples = examples;
    edition.layers = layered.layers.clone();
    in_edition_style(edition);
    let mut applied = layered.applied.clone();
    applied.append(&mut edition.applied);
    edition.applied = applied;
    diagnostics.extend(problems);
}
