//! `handbook new-authority`: a ready-to-edit authority folder.
//!
//! Writes `local-overrides/<slug>/` with a commented `authority.yaml` and one
//! file of each kind (override, example, local page, template), each saying
//! in comments what it is for. It refuses to touch an existing folder. It
//! does not build anything.

use std::path::{Path, PathBuf};

use crate::authority::Jurisdiction;
use crate::markdown::is_valid_id;

/// Why a new authority folder could not be made.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The slug is not usable as a folder name and id.
    BadSlug(String),
    /// The folder exists already.
    Exists(PathBuf),
    /// A file could not be written.
    Io(std::io::Error),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::BadSlug(slug) => write!(
                f,
                "`{slug}` cannot be an authority folder name: use lowercase letters, digits and single hyphens, such as `north-exampleshire`"
            ),
            ScaffoldError::Exists(path) => write!(
                f,
                "{} exists already; choose another name, or edit the files there",
                path.display()
            ),
            ScaffoldError::Io(e) => write!(f, "could not write the new folder: {e}"),
        }
    }
}

impl std::error::Error for ScaffoldError {}

fn yaml_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Creates `local-overrides/<slug>/` under `root`. Returns the files written.
pub fn new_authority(
    root: &Path,
    slug: &str,
    name: &str,
    jurisdiction: Jurisdiction,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !is_valid_id(slug) {
        return Err(ScaffoldError::BadSlug(slug.to_string()));
    }
    let dir = root.join("local-overrides").join(slug);
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir));
    }
    let jurisdiction_word = match jurisdiction {
        Jurisdiction::England => "england",
        Jurisdiction::Scotland => "scotland",
        Jurisdiction::Wales => "wales",
        Jurisdiction::NorthernIreland => "northern-ireland",
    };
    let short = name
        .trim_end_matches(" Council")
        .trim_end_matches(" County")
        .trim_end_matches(" City")
        .to_string();
    let today = jiff::ZonedDateTime::now().date();
    let files: Vec<(&str, String)> = vec![
        (
            "authority.yaml",
            format!(
                "# Settings for {name}'s edition of the handbook.\n\
                 # Lines starting with # are comments. Run `handbook check` after each change.\n\
                 \n\
                 name: {name_q}              # the full name readers see\n\
                 short_name: {short_q}       # a short name for the page header\n\
                 jurisdiction: {jurisdiction_word}   # england | scotland | wales | northern-ireland\n\
                 service: adults             # adults | children-and-families | all\n\
                 \n\
                 # A notice shown at the top of every page (delete the line if you need none).\n\
                 # notice: \"This is a draft edition.\"\n\
                 \n\
                 # Teams and services staff can contact (never a person's name).\n\
                 contacts:\n\
                 \x20 - name: Adult social care contact centre\n\
                 \x20   phone: \"01632 960000\"\n\
                 \x20   email: adults@council.example\n\
                 \x20   hours: Monday to Friday, 9am to 5pm\n\
                 \n\
                 # Values for {{{{ vars.NAME }}}} in any page of this edition.\n\
                 variables:\n\
                 \x20 contact_centre_phone: \"01632 960000\"\n\
                 \n\
                 # Your words for the model's words: \"model term\": \"local term\".\n\
                 terms: {{}}\n\
                 \n\
                 theme:\n\
                 \x20 colour: \"#1d4f91\"           # behind white text: needs 4.5:1 contrast\n\
                 \n\
                 # Templates in templates/ replace the theme's templates of the same name; one can start\n\
                 # with {{% extends \"theme/page.html\" %}} and replace one block. Files in static/ are\n\
                 # published under assets/ and replace theme files of the same name.\n\
                 \n\
                 # For the accessibility statement.\n\
                 accessibility:\n\
                 \x20 contact_email: accessibility@council.example\n\
                 \x20 statement_date: {today}\n",
                name_q = yaml_quote(name),
                short_q = yaml_quote(&short),
            ),
        ),
        (
            "overrides/step-1-local-contact.md",
            format!(
                "---\n\
             # An override changes one model page or section.\n\
             # target: a page id, or page-id#section-id\n\
             # action: replace | append | prepend | insert-before | insert-after | remove | note\n\
             # reason: required for replace and remove; shown on the differences page\n\
             # last_reviewed: when this text was last written or checked\n\
             target: step-1#systems-practice-support\n\
             action: append\n\
             reason: Tells staff how people reach us locally.\n\
             last_reviewed: {today}\n\
             ---\n\
             ### How people contact us {{#local-contact}}\n\
             \n\
             People can call the contact centre on {{{{ vars.contact_centre_phone }}}}.\n"
            ),
        ),
        (
            "examples/ex-first-example.md",
            format!(
                "---\n\
             # A local practice example, shown on the pages listed in `attach`.\n\
             id: ex-first-example\n\
             title: A first local example\n\
             attach: [step-1]\n\
             summary: Replace this with a short description.\n\
             last_reviewed: {today}\n\
             ---\n\
             Describe what happened, who was involved (by role, never by name) and what the social worker did.\n"
            ),
        ),
        (
            "templates/page.html",
            "{# This file replaces the theme's page template in this edition only. It extends the\n\
             \x20  theme's template and replaces one block; delete it to use the theme's as it is. #}\n\
             {% extends \"theme/page.html\" %}\n\
             {% block pagination %}{{ super() }}{% endblock pagination %}\n"
                .to_string(),
        ),
        (
            "pages/local-contacts.md",
            format!(
                "---\n\
                 # A page only this authority has. `parent` and `weight` place it in the navigation.\n\
                 id: local-contacts\n\
                 title: Local contacts\n\
                 parent: home\n\
                 weight: 200\n\
                 owner: Policy team\n\
                 last_reviewed: {today}\n\
                 review_every: 12 months\n\
                 ---\n\
                 Call {{{{ vars.contact_centre_phone }}}}. See also [[step-1]].\n"
            ),
        ),
    ];
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(ScaffoldError::Io)?;
        }
        std::fs::write(&path, text).map_err(ScaffoldError::Io)?;
        written.push(path);
    }
    Ok(written)
}
