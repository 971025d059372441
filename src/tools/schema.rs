//! JSON Schemas of the files a policy lead writes, for editors: generated
//! from the very types that read them, so a schema cannot say something
//! the reader does not.
//!
//! `handbook.yaml` ([`HandbookMeta`]), `authority.yaml` ([`AuthorityConfig`])
//! the front matter of pages (model and local), overrides and examples, and
//! the descriptions of local documents ([`DocumentMeta`]).
//! Each type refuses unknown keys (`deny_unknown_fields`), which a schema
//! says as `additionalProperties: false`, so an editor marks a misspelt key
//! as the reader would. Schemas follow JSON Schema draft 7, which editors'
//! YAML support (VS Code's YAML extension) reads fully.
//!
//! This module only describes formats; it reads no handbook files.

use std::path::Path;

use schemars::JsonSchema;

use crate::model::authority::{AuthorityConfig, DocumentMeta, ExampleMeta, OverrideMeta};
use crate::model::handbook::HandbookMeta;
use crate::model::page::PageMeta;
use crate::model::translation::TranslationMeta;

fn schema_of<T: JsonSchema>(title: &str, description: &str) -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// VS Code settings (`.vscode/settings.json`) that give the YAML extension
/// (redhat.vscode-yaml) the schemas in `schemas/`, so that it offers
/// completion and marks mistakes in `handbook.yaml` and `authority.yaml`.
pub const EDITOR_SETTINGS: &str = r#"{
  "yaml.schemas": {
    "./schemas/handbook.schema.json": ["content/handbook.yaml"],
    "./schemas/authority.schema.json": ["local-overrides/*/authority.yaml"],
    "./schemas/document.schema.json": ["local-overrides/*/documents/*.yaml"]
  }
}
"#;

/// Every schema, as `(file name, JSON text)`, in a fixed order.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        (
            "handbook.schema.json",
            schema_of::<HandbookMeta>(
                "handbook.yaml",
                "content/handbook.yaml: the model guidance's title, publisher, version, date, licence and attribution.",
            ),
        ),
        (
            "authority.schema.json",
            schema_of::<AuthorityConfig>(
                "authority.yaml",
                "local-overrides/<slug>/authority.yaml: an authority's name, jurisdiction, service, contacts, variables, local terms, theme and accessibility contact.",
            ),
        ),
        (
            "page.schema.json",
            schema_of::<PageMeta>(
                "Page front matter",
                "The front matter of a page: content/**/*.md (the model) and local-overrides/<slug>/pages/*.md (local pages).",
            ),
        ),
        (
            "override.schema.json",
            schema_of::<OverrideMeta>(
                "Override front matter",
                "The front matter of an override: local-overrides/<slug>/overrides/*.md.",
            ),
        ),
        (
            "example.schema.json",
            schema_of::<ExampleMeta>(
                "Example front matter",
                "The front matter of a local practice example: local-overrides/<slug>/examples/*.md.",
            ),
        ),
        (
            "document.schema.json",
            schema_of::<DocumentMeta>(
                "Local document description",
                "The description beside a local document: local-overrides/<slug>/documents/<id>.yaml, beside <id>.pdf (or, for a form, <id>.docx, .odt, .xlsx or .ods).",
            ),
        ),
        (
            "translation.schema.json",
            schema_of::<TranslationMeta>(
                "Translation front matter",
                "The front matter of a translation: local-overrides/<slug>/translations/<model file>.<lang>.md, and <name>.<lang>.md beside a council's own page, override or example.",
            ),
        ),
    ]
}

/// Writes every schema into `dir` (made if missing). Returns the file
/// names written; `Err` if a file could not be written.
pub fn write(dir: &Path) -> std::io::Result<Vec<&'static str>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, text) in all() {
        std::fs::write(dir.join(name), text)?;
        written.push(name);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str) -> serde_json::Value {
        let (_, text) = all().into_iter().find(|(n, _)| *n == name).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// The keys a schema offers are the keys the reader's "did you mean"
    /// knows, and no others.
    #[test]
    fn each_schema_allows_exactly_the_keys_its_reader_knows() {
        for (name, keys) in [
            (
                "handbook.schema.json",
                crate::model::handbook::HANDBOOK_KEYS,
            ),
            (
                "authority.schema.json",
                crate::model::authority::AUTHORITY_KEYS,
            ),
            ("page.schema.json", crate::model::page::PAGE_KEYS),
            (
                "override.schema.json",
                crate::model::authority::OVERRIDE_KEYS,
            ),
            ("example.schema.json", crate::model::authority::EXAMPLE_KEYS),
            (
                "document.schema.json",
                crate::model::authority::DOCUMENT_KEYS,
            ),
            (
                "translation.schema.json",
                crate::model::translation::TRANSLATION_KEYS,
            ),
        ] {
            let schema = parsed(name);
            assert_eq!(schema["additionalProperties"], false, "{name}");
            let mut offered: Vec<&str> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut known = keys.to_vec();
            offered.sort_unstable();
            known.sort_unstable();
            assert_eq!(offered, known, "{name}");
        }
    }

    #[test]
    fn nested_settings_refuse_unknown_keys_too() {
        let schema = parsed("authority.schema.json");
        for definition in [
            "Contact",
            "ThemeSettings",
            "AccessibilityContact",
            "Change",
            "OwnWords",
            "NameForms",
            "ContactWords",
        ] {
            assert_eq!(
                schema["definitions"][definition]["additionalProperties"], false,
                "{definition}"
            );
        }
        let words: Vec<&str> = schema["definitions"]["Jurisdiction"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["const"].as_str().unwrap())
            .collect();
        assert_eq!(words, ["england", "scotland", "wales", "northern-ireland"]);
        let languages: Vec<&str> = schema["definitions"]["Lang"]["oneOf"]
            .as_array()
            .or_else(|| schema["definitions"]["Lang"]["enum"].as_array())
            .unwrap()
            .iter()
            .map(|v| v["const"].as_str().or(v.as_str()).unwrap())
            .collect();
        assert_eq!(
            languages,
            ["en", "cy"],
            "`languages:` offers the known ones"
        );
    }
}
