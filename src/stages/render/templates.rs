//! The one place the render stage talks to the template engine (tera):
//! the values every template sees, a template made with its values, and
//! values of different types handed to a template in one list.
//!
//! Fills templates only; gathers no values of its own and writes nothing.

use super::*;

impl<'r, 's> Renderer<'r, 's> {
    /// Renders a template with the edition's values and `extra`; `current`
    /// is the index of the page being rendered, for the contents list.
    pub(super) fn render_template(
        &self,
        template: &str,
        current: Option<usize>,
        extra: &[(&'static str, &dyn erased::Value)],
    ) -> Option<Content> {
        // Cloning shares the site values (tera values are reference-counted).
        let mut context = self.parts.base.clone();
        // The contents list goes in as a stand-in, replaced afterwards by the
        // list's shared parts: it is neither copied through the template
        // engine nor held once per page.
        context.insert("nav_html", NAV_STAND_IN);
        if !self.language.others.is_empty() {
            // The language switch leads to the same file in each other language.
            let here = match current {
                Some(i) => self.path(OutputKind::Page(i)),
                None => template.to_string(),
            };
            let others: Vec<serde_json::Value> = self
                .language
                .others
                .iter()
                .map(|(l, prefix)| {
                    serde_json::json!({ "code": l.code(), "html": l.html(), "name": l.own_name(), "href": format!("{prefix}{here}") })
                })
                .collect();
            context.insert("languages", &others);
        }
        for (k, v) in extra {
            v.insert_into(&mut context, k);
        }
        let rendered = |context: &tera::Context| match self.engine.render(template, context) {
            Ok(html) => Some(html),
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        };
        let html = rendered(&context)?;
        let mut found = html.match_indices(NAV_STAND_IN).map(|(at, _)| at);
        match (found.next(), found.next()) {
            (Some(at), None) => {
                let mut parts = vec![Part::new(html.as_bytes()[..at].to_vec())];
                parts.extend(self.parts.contents.pieces_for(current));
                parts.push(Part::new(
                    html.as_bytes()[at + NAV_STAND_IN.len()..].to_vec(),
                ));
                Some(Content::Parts(parts))
            }
            (None, _) if !html.contains('\u{1}') => Some(Content::Bytes(html.into_bytes())),
            // The template does more than print the list: give it the list itself.
            _ => {
                context.insert("nav_html", &self.parts.contents.html_for(current));
                rendered(&context).map(|html| Content::Bytes(html.into_bytes()))
            }
        }
    }
}

/// The values every template of an edition sees: `site`, the theme's
/// words `t`, the pages' language `lang`, the links to the same page in
/// the edition's other languages `languages` (each with the path to add
/// before the page's file) and the notices of demonstration translations.
pub(super) fn base_context(site: &context::SiteContext, language: &Language) -> tera::Context {
    let mut base = tera::Context::new();
    base.insert("site", site);
    base.insert_value("t", crate::model::theme::strings_value(&language.strings));
    let lang = language.strings.lang;
    base.insert(
        "lang",
        &serde_json::json!({ "code": lang.code(), "html": lang.html() }),
    );
    // Filled in for each output (see `render_template`).
    base.insert("languages", &Vec::<String>::new());
    // Filled in for content pages (see `Renderer::make`).
    base.insert("is_home", &false);
    base.insert("urgent", &None::<context::UrgentContext>);
    let notices: Vec<serde_json::Value> = language
        .notices
        .iter()
        .map(|(l, text)| serde_json::json!({ "html": l.html(), "text": text }))
        .collect();
    base.insert("translation_notices", &notices);
    // Words that only the default language's files give (owners, notes of
    // changes, contacts) are marked as that language on other languages' pages.
    let source_lang = (!language.others.is_empty() && lang != crate::model::language::Lang::En)
        .then(|| crate::model::language::Lang::En.code());
    base.insert("source_lang", &source_lang);
    base
}

/// What stands in a page's template for its contents list (see `nav_html`).
pub(super) const NAV_STAND_IN: &str = "\u{1}hb&nav\u{1}";

pub(super) fn json(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Values a site page's template sees, by name.
pub(super) type TemplateValues<'a> = Vec<(&'static str, Box<dyn erased::Value + 'a>)>;

/// Serialisable values of different types in one list.
pub(super) mod erased {
    /// A value that can put itself into a template context.
    pub trait Value: Sync + Send {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str);
        /// The value as JSON, for fingerprints.
        fn json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize + Sync + Send> Value for T {
        fn insert_into(&self, context: &mut tera::Context, key: &'static str) {
            context.insert(key, self);
        }

        fn json(&self) -> Vec<u8> {
            super::json(self)
        }
    }
}
