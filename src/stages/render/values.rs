//! The values each output's template is given: a content page's values
//! (with its examples and citations), a site page's values, and the
//! translation status and examples index they show.
//!
//! Gathers values only: fills no template and makes no key.

use super::*;

impl<'r, 's> Renderer<'r, 's> {
    pub(super) fn page_inputs(&self, i: usize) -> Inputs<'_> {
        let p = &self.linked.pages[i];
        let examples = self.examples_of(p, false);
        // The credits page's list of the editors' changes reads every model
        // page: it is made with the page (`Renderer::make`), like its text's
        // HTML, and stands in its key as the credits key.
        let mut context = context::page(
            self.linked,
            &self.site,
            p,
            examples,
            Vec::new(),
            self.today,
            &self.language.strings,
        );
        context.changes_anchor = self.changes_anchor_of(p);
        context.release =
            self.history
                .and_then(|h| h.releases.last())
                .map(|r| context::ReleaseInForce {
                    version: r.version.clone(),
                    from: r.from.clone(),
                });
        context.feedback = feedback::link(self.linked, &context, &self.language.strings);
        let home = self.language.strings.get("home");
        for crumb in &mut context.breadcrumbs {
            if crumb.href == "index.html" {
                crumb.title = home.to_string();
                crumb.lang = None;
            }
        }
        let template = if p.page.id() == self.linked.edition.home {
            "home.html"
        } else {
            "page.html"
        };
        Inputs::Page {
            context: Box::new(context),
            template,
        }
    }

    /// The local examples a page shows, on the page itself or, when `print`
    /// is set, in the print view (ids and links made for it).
    pub(super) fn examples_of(&self, p: &LinkedPage, print: bool) -> Vec<ExampleContext> {
        let options = HtmlOptions {
            glossary: &[],
            ..self.options(p.page.id(), print.then(|| p.page.id()))
        };
        let part = if print { "print example" } else { "example" };
        p.page
            .examples
            .iter()
            .zip(p.examples.iter().zip(p.example_settings.iter()))
            .enumerate()
            .map(|(i, (ex, (text, settings)))| {
                let id = if print {
                    format!("{}--{}", p.page.id(), ex.id)
                } else {
                    ex.id.clone()
                };
                let html = self
                    .text_html(p, &format!("{part} {i}"), &options, &|| {
                        let options = HtmlOptions {
                            footnote_scope: Some(&ex.id),
                            ..options
                        };
                        to_html(text, None, &p.links, &options)
                    })
                    .as_ref()
                    .clone();
                self.example_context(ex, id, settings, html)
            })
            .collect()
    }

    /// An example as templates see it, with its id, title and summary as
    /// shown, and its HTML.
    pub(super) fn example_context(
        &self,
        ex: &crate::model::authority::Example,
        id: String,
        settings: &crate::stages::link::ExampleSettings,
        html: String,
    ) -> ExampleContext {
        ExampleContext {
            id,
            title: settings.title.clone(),
            html,
            summary: settings.summary.clone(),
            origin: ex.origin,
            citation: self.citation(ex.source.as_deref()),
            source_detail: ex.source_detail.clone(),
            lang: self.linked.edition.foreign(&ex.file),
            pages: ex
                .attach
                .iter()
                .filter_map(|a| context::link_item(self.linked, a))
                .collect(),
        }
    }

    pub(super) fn citation(&self, source: Option<&str>) -> Option<String> {
        let source = source?;
        let authority = self.linked.edition.authority?;
        authority
            .config
            .sources
            .iter()
            .find(|s| s.id == source)
            .map(|s| s.citation.clone())
    }

    /// The values a site page's template sees, by name.
    pub(super) fn site_values(&self, page: &SitePage) -> TemplateValues<'_> {
        let az = || -> Box<dyn erased::Value + '_> {
            Box::new(self.a_to_z.get_or_init(|| {
                subjects::a_to_z(
                    self.linked,
                    &self.glossary,
                    self.language.strings.get("nav_glossary"),
                )
            }))
        };
        match page.id {
            "glossary" => vec![(
                "terms",
                Box::new(site::glossary(self.linked, &self.glossary)),
            )],
            "a-z" | "search" => vec![("letters", az())],
            "changes" => vec![("changes", Box::new(self.changes()))],
            "in-force" => vec![(
                "releases",
                Box::new(self.history.map(|h| h.releases.clone()).unwrap_or_default()),
            )],
            "examples" => vec![("examples", Box::new(self.examples_index()))],
            "documents" => vec![("topics", Box::new(self.documents_index()))],
            "translation" => vec![("translation", Box::new(self.translation_status()))],
            "differences" => {
                let d = site::differences(self.linked, &self.terms);
                let options = HtmlOptions {
                    glossary: &[],
                    terms: &[],
                    ..self.options("", None)
                };
                let entries = comparison::entries(self.linked, d.differences, &options);
                vec![
                    ("differences", Box::new(entries)),
                    ("removed", Box::new(d.removed)),
                    ("terms", Box::new(d.terms)),
                    ("local_pages", Box::new(d.local_pages)),
                    ("layers", Box::new(d.layers)),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// The translation status page's values: each page of the edition with
    /// its state in the edition's other language, and how many are in each.
    pub(super) fn translation_status(&self) -> serde_json::Value {
        let mut counts = [0usize; 3];
        let rows: Vec<serde_json::Value> = self
            .linked
            .pages
            .iter()
            .map(|p| {
                let id = p.page.id();
                let state = self
                    .language
                    .states
                    .iter()
                    .find(|(s, _)| s == id)
                    .map_or("missing", |(_, state)| *state);
                let n = match state {
                    "translated" => 0,
                    "out-of-date" => 1,
                    _ => 2,
                };
                counts[n] += 1;
                let home = id == self.linked.edition.home;
                serde_json::json!({
                    "title": if home { self.language.strings.get("home") } else { p.title.as_str() },
                    "href": crate::support::url::file_of(&self.linked.edition.home, id),
                    "lang": (!home).then(|| self.linked.edition.foreign(&p.page.title_file)).flatten(),
                    "state": state,
                })
            })
            .collect();
        serde_json::json!({
            "rows": rows,
            "translated": counts[0],
            "stale": counts[1],
            "missing": counts[2],
        })
    }

    /// Every example of the edition, as the examples index shows it.
    pub(super) fn examples_index(&self) -> Vec<ExampleContext> {
        let shown_on = site::first_showings(self.linked);
        let options = self.options("", None);
        self.linked
            .edition
            .examples
            .iter()
            .map(|ex| {
                let html = shown_on.get(ex.id.as_str()).map(|&(i, at)| {
                    let p = &self.linked.pages[i];
                    let make = || {
                        let options = HtmlOptions {
                            footnote_scope: Some(&ex.id),
                            ..options
                        };
                        to_html(&p.examples[at], None, &p.links, &options)
                    };
                    self.text_html(p, &format!("examples page {at}"), &options, &make)
                        .as_ref()
                        .clone()
                });
                let settings = self
                    .linked
                    .example_settings(&ex.id)
                    .cloned()
                    .unwrap_or_else(|| crate::stages::link::ExampleSettings {
                        title: ex.title.clone(),
                        summary: ex.summary.clone(),
                    });
                self.example_context(ex, ex.id.clone(), &settings, html.unwrap_or_default())
            })
            .collect()
    }
}
