//! The "Local documents" page's values: an authority's published documents
//! grouped by topic, each with its title, summary, type and size, owner,
//! who signed it off, and its last and next review.
//!
//! Gathers values only: fills no template, copies no file, and decides
//! nothing about whether a document may be published (`analyses` does).

use std::collections::BTreeMap;

use serde::Serialize;

use super::*;

/// One document as the "Local documents" page lists it.
#[derive(Debug, Serialize)]
pub(super) struct DocumentContext {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub href: String,
    /// Its type and size, such as "PDF, 24 KB".
    pub kind_and_size: String,
    pub form: bool,
    pub owner: String,
    pub approved_by: String,
    pub last_reviewed: String,
    pub next_review: Option<String>,
    /// `en` on a page in another language: descriptions are written in the
    /// edition's default language.
    pub lang: Option<&'static str>,
}

/// The documents of one topic.
#[derive(Debug, Serialize)]
pub(super) struct TopicContext {
    pub topic: String,
    /// Its anchor on the page.
    pub anchor: String,
    /// `en` on a page in another language, as for its documents.
    pub lang: Option<&'static str>,
    pub documents: Vec<DocumentContext>,
}

impl<'r, 's> Renderer<'r, 's> {
    /// The edition's published documents by topic (topics and, in each,
    /// titles in alphabetical order).
    pub(super) fn documents_index(&self) -> Vec<TopicContext> {
        let strings = &self.language.strings;
        // Pages in the edition's default language (English) have no `lang`.
        let lang = self
            .linked
            .edition
            .lang
            .map(|_| crate::model::language::Lang::En.code());
        let mut topics: BTreeMap<String, Vec<DocumentContext>> = BTreeMap::new();
        for (_, (description, file)) in self.documents() {
            let meta = &description.meta;
            topics
                .entry(meta.topic.trim().to_string())
                .or_default()
                .push(DocumentContext {
                    id: description_id(file),
                    title: meta.title.clone(),
                    summary: meta.summary.clone(),
                    href: crate::model::authority::Document::href(file),
                    kind_and_size: format!("{}, {}", file.kind(), file.size_text()),
                    form: meta.form,
                    owner: meta.owner.clone(),
                    approved_by: meta.approved_by.clone(),
                    last_reviewed: strings.long_date(meta.last_reviewed),
                    next_review: crate::stages::analyses::documents::next_review(description)
                        .map(|d| strings.long_date(d)),
                    lang,
                });
        }
        topics
            .into_iter()
            .map(|(topic, mut documents)| {
                documents.sort_by(|a, b| a.title.cmp(&b.title));
                TopicContext {
                    anchor: format!("topic-{}", crate::text::markdown::slug(&topic)),
                    topic,
                    lang,
                    documents,
                }
            })
            .collect()
    }
}

/// A document's id: its file's name without the extension.
fn description_id(file: &crate::model::authority::DocumentFile) -> String {
    file.name
        .rsplit_once('.')
        .map_or(file.name.as_str(), |(id, _)| id)
        .to_string()
}
