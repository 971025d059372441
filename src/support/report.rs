//! The machine-readable forms of a run's problems, for `check --format`:
//! JSON for scripts, SARIF 2.1.0 for code-scanning services, and GitHub
//! Actions workflow commands.
//!
//! Each form is made from the same sorted [`Diagnostic`] list the human
//! form prints, with the same file, line, column, message and hint. File
//! paths are given as they are shown to users (relative to the handbook
//! root), joined to the root as given on the command line, so that a
//! pipeline running in the repository finds the file. This module only
//! turns diagnostics into text; it prints nothing and decides no exit code.

use serde::Serialize;

use crate::support::diagnostic::{Diagnostic, JsonDiagnostic, Severity};

/// How many problems of each kind a run found, and what it looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Errors: the build stops.
    pub errors: usize,
    /// Warnings: `check --deny-warnings` fails.
    pub warnings: usize,
    /// Notes: listed for review only.
    pub notes: usize,
    /// Editions made.
    pub editions: usize,
    /// Content pages in those editions.
    pub pages: usize,
}

impl Totals {
    /// Counts `diagnostics` by severity; `editions` and `pages` as given.
    pub fn of(diagnostics: &[Diagnostic], editions: usize, pages: usize) -> Self {
        let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
        Self {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            editions,
            pages,
        }
    }
}

/// `check --format json`: `{"diagnostics": [...], "totals": {...}}`, each
/// diagnostic with severity, code, file, line, column, message, hint and
/// detail (see [`JsonDiagnostic`]).
pub fn json(diagnostics: &[Diagnostic], totals: Totals) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        diagnostics: Vec<JsonDiagnostic<'a>>,
        totals: Totals,
    }
    let document = Document {
        diagnostics: diagnostics.iter().map(JsonDiagnostic::from).collect(),
        totals,
    };
    // Plain strings, numbers and options only: serialising cannot fail.
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// The path scripts and services are given for a file shown as `shown`
/// (relative to the root): joined to `root` as typed, unless that is `.`.
fn from_working_folder(root: &str, shown: &str) -> String {
    let root = root.trim_end_matches(['/', '\\']);
    if root.is_empty() || root == "." {
        shown.to_string()
    } else {
        format!("{root}/{shown}")
    }
}

/// A path as a relative URI reference: each segment percent-encoded.
fn uri_of(path: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    path.split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The message with its hint (and detail) after it, as one text.
fn full_message(d: &Diagnostic) -> String {
    let mut text = d.message.to_string();
    if let Some(hint) = &d.hint {
        text.push_str("\nHow to fix it: ");
        text.push_str(hint);
    }
    if let Some(detail) = &d.detail {
        text.push('\n');
        text.push_str(detail);
    }
    text
}

/// `check --format sarif`: one SARIF 2.1.0 log with one run of the tool
/// `handbook` (version `version`). Each result has `ruleId` (the
/// diagnostic's code, with a rule of that id), `level` (`error`, `warning`
/// or `note`), the message with its hint, and, when the problem is in a
/// file, a physical location: the file's URI relative to the working
/// folder and, when known, the line and column where it starts (line 1 for
/// a problem about a whole file). Form from the OASIS SARIF 2.1.0 standard;
/// checked against its JSON schema in `tests/adoption.rs`.
pub fn sarif(diagnostics: &[Diagnostic], root: &str, version: &str) -> String {
    let mut rules: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = serde_json::json!({
                "ruleId": d.code,
                "ruleIndex": rules.binary_search(&d.code).unwrap_or_default(),
                "level": d.severity.to_string(),
                "message": { "text": full_message(d) },
            });
            if let Some(path) = d.file_path() {
                let (line, column) = d.line_col().unwrap_or((1, 1));
                result["locations"] = serde_json::json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_of(&from_working_folder(root, path)) },
                        "region": { "startLine": line, "startColumn": column },
                    }
                }]);
            }
            result
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "handbook",
                    "version": version,
                    "rules": rules.iter().map(|id| serde_json::json!({ "id": id })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// Escapes text for a workflow command's message (`%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes text for a workflow command's property (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `check --format github`: one GitHub Actions workflow command a line,
/// `::error file=F,line=L,col=C,title=CODE::MESSAGE` (`::warning` and
/// `::notice` likewise), which GitHub shows as annotations on the pull
/// request's files. Form and escaping from GitHub's "Workflow commands for
/// GitHub Actions".
pub fn github(diagnostics: &[Diagnostic], root: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(path) = d.file_path() {
            properties.push(format!(
                "file={}",
                escape_property(&from_working_folder(root, path))
            ));
            if let Some((line, column)) = d.line_col() {
                properties.push(format!("line={line}"));
                properties.push(format!("col={column}"));
            }
        }
        properties.push(format!("title={}", escape_property(d.code)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&full_message(d))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::diagnostic::SourceFile;

    fn sample() -> Vec<Diagnostic> {
        let file = SourceFile::new("content/step 1.md", "---\nid: x\n---\nsee [[nope]]\n");
        vec![
            Diagnostic::error("unknown-id", "there is no page with the id `nope`, 100%")
                .hint("did you mean `step-1`?")
                .at(&file, 18, 26),
            Diagnostic::note("outside-link", "outside link").in_path("model/print.html"),
            Diagnostic::warning("no-file", "belongs to no file"),
        ]
    }

    #[test]
    fn github_commands_carry_position_and_escape_what_github_reads_specially() {
        let text = github(&sample(), "council");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=council/content/step 1.md,line=4,col=5,title=unknown-id::there is no page with the id `nope`, 100%25%0AHow to fix it: did you mean `step-1`?"
        );
        assert_eq!(
            lines[1],
            "::notice file=council/model/print.html,title=outside-link::outside link"
        );
        assert_eq!(lines[2], "::warning title=no-file::belongs to no file");
    }

    #[test]
    fn sarif_results_name_rule_level_and_region() {
        let log: serde_json::Value = serde_json::from_str(&sarif(&sample(), ".", "1.0")).unwrap();
        let results = &log["runs"][0]["results"];
        assert_eq!(results[0]["ruleId"], "unknown-id");
        assert_eq!(results[0]["level"], "error");
        let location = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "content/step%201.md");
        assert_eq!(location["region"]["startLine"], 4);
        assert_eq!(location["region"]["startColumn"], 5);
        assert_eq!(results[2]["level"], "warning");
        assert!(results[2].get("locations").is_none());
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        assert_eq!(
            rules[results[0]["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "unknown-id"
        );
    }

    #[test]
    fn json_has_the_list_and_the_totals() {
        let list = sample();
        let doc: serde_json::Value =
            serde_json::from_str(&json(&list, Totals::of(&list, 2, 30))).unwrap();
        assert_eq!(doc["diagnostics"][0]["line"], 4);
        assert_eq!(doc["totals"]["errors"], 1);
        assert_eq!(doc["totals"]["warnings"], 1);
        assert_eq!(doc["totals"]["notes"], 1);
        assert_eq!(doc["totals"]["pages"], 30);
    }
}
