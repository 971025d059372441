//! New folders to start from: `handbook new-authority` and `handbook init`.
//!
//! [`new_authority`] writes `local-overrides/<slug>/` with a commented
//! `authority.yaml` and one file of each kind (override, example, local
//! page, template) to copy from. What it has to make up (a contact, a
//! telephone number, the example itself) is marked `# placeholder`, which
//! `check` warns about until it is replaced ([`PLACEHOLDER_MARK`]).
//!
//! [`init`] writes a new handbook root: the model guidance and the default
//! theme as built into Handbook (with the record of which model it is,
//! `content/model-fingerprints.yaml`, for `handbook update-model`), one authority with only what it was told
//! (nothing made up, so the root passes `check --deny-warnings` at once),
//! the JSON Schemas and editor settings of [`crate::tools::schema`], and a
//! `.gitignore` for the built site.
//!
//! Neither touches an existing folder's files, and neither builds anything.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::model::authority::{Jurisdiction, PLACEHOLDER_MARK};
use crate::text::markdown::is_valid_id;

/// Why a new folder could not be made.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The slug is not usable as a folder name and id.
    BadSlug(String),
    /// The authority's folder exists already.
    Exists(PathBuf),
    /// The folder for a new root has files in it.
    NotEmpty(PathBuf),
    /// The layer to build on is not a folder of the root: its name, and a
    /// hint.
    UnknownBase(String, String),
    /// The folder `init --base` names is not a layer: the folder, and why.
    NotALayer(PathBuf, &'static str),
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
            ScaffoldError::NotEmpty(path) => write!(
                f,
                "{} is not empty, and `handbook init` only writes into a new or empty folder; \
                 choose a new folder, or add an authority to an existing root with `handbook new-authority`",
                path.display()
            ),
            ScaffoldError::UnknownBase(base, hint) => write!(
                f,
                "there is no layer `{base}` under local-overrides/ to build on\n  hint: {hint}"
            ),
            ScaffoldError::NotALayer(path, why) => write!(
                f,
                "{} cannot be built on: {why}\n  hint: `--base` names the folder of a layer (an adaptation several councils share) as its publisher gives it: a folder holding an authority.yaml that says `kind: layer`",
                path.display()
            ),
            ScaffoldError::Io(e) => write!(f, "could not write the new folder: {e}"),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// What a new authority is told on the command line.
#[derive(Debug, Clone)]
pub struct Details<'a> {
    /// Its folder name and id.
    pub slug: &'a str,
    /// Its full name.
    pub name: &'a str,
    /// Which law applies.
    pub jurisdiction: Jurisdiction,
    /// Where readers ask for other formats and report accessibility problems.
    pub accessibility_email: Option<&'a str>,
    /// The address the edition is published at (the folder of its home
    /// page), already checked and normalised.
    pub address: Option<String>,
    /// The layer the new edition builds on (`base:`), for `new-authority --base`.
    pub base: Option<&'a str>,
    /// The date of the accessibility statement and of the starter page's review.
    pub today: Date,
}

fn yaml_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn jurisdiction_word(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::England => "england",
        Jurisdiction::Scotland => "scotland",
        Jurisdiction::Wales => "wales",
        Jurisdiction::NorthernIreland => "northern-ireland",
    }
}

/// The name without " Council", " County", " City" at its end.
fn short_name(name: &str) -> String {
    name.trim_end_matches(" Council")
        .trim_end_matches(" County")
        .trim_end_matches(" City")
        .to_string()
}

/// `contacts:` and `variables:` of `authority.yaml`: a made-up contact
/// centre marked as a placeholder, or none, with the form shown in comments.
fn contacts_yaml(placeholders: bool) -> String {
    if placeholders {
        format!(
            "# Teams and services staff can contact (never a person's name).\n\
             contacts:   {PLACEHOLDER_MARK}\n\
             \x20 - name: Adult social care contact centre\n\
             \x20   phone: \"01632 960000\"\n\
             \x20   email: adults@council.example\n\
             \x20   hours: Monday to Friday, 9am to 5pm\n\
             \n\
             # Values for {{{{ vars.NAME }}}} in any page of this edition.\n\
             variables:\n\
             \x20 contact_centre_phone: \"01632 960000\"   {PLACEHOLDER_MARK}\n"
        )
    } else {
        "# Teams and services staff can contact (never a person's name), listed on every page. For example:\n\
         #   - name: Adult social care contact centre\n\
         #     phone: \"01632 960000\"\n\
         #     email: adults@council.example\n\
         #     hours: Monday to Friday, 9am to 5pm\n\
         contacts: []\n\
         \n\
         # Values for {{ vars.NAME }} in any page of this edition, such as `duty_phone: \"01632 960000\"`.\n\
         variables: {}\n"
            .to_string()
    }
}

/// `base:` of `authority.yaml`: the layer given, or the form in a comment.
fn base_yaml(base: Option<&str>) -> String {
    match base {
        Some(base) => format!("base: {base}   # the layer (an adaptation several authorities share) this edition builds on\n"),
        None => "# base: england-wide   # the folder of a layer (`kind: layer`) this edition builds on, if any\n".to_string(),
    }
}

/// `address:` of `authority.yaml`: the address given, or the form in a comment.
fn address_yaml(address: Option<&str>) -> String {
    let about = "# The full web address of the folder the edition's home page is published in: with it, the\n\
                 # edition gets a sitemap, and its 404 page works for a missing page in any folder.\n";
    match address {
        Some(address) => format!("{about}address: {}\n", yaml_quote(address)),
        None => format!("{about}# address: https://intranet.your-council.gov.uk/guidance/\n"),
    }
}

/// `feedback:` of `authority.yaml`, where "Report a problem with this page"
/// sends readers' emails: a made-up address marked as a placeholder, or the
/// form in comments.
fn feedback_yaml(placeholders: bool) -> String {
    let about = "# \"Report a problem with this page\", on every page, opens an email to the page's owner: at the\n\
                 # address `owners:` gives for the owner, else that of the contact of the same name in `contacts:`.\n\
                 # A page whose owner has neither, and a page with no owner, is reported to `email:`.\n\
                 # `off: true` takes the link off every page.\n";
    if placeholders {
        format!("{about}feedback:\n  email: handbook@council.example   {PLACEHOLDER_MARK}\n")
    } else {
        format!(
            "{about}# feedback:\n\
             #   email: handbook@your-council.gov.uk\n\
             #   owners:\n\
             #     \"Practice Quality Team\": practice.quality@your-council.gov.uk\n"
        )
    }
}

/// `accessibility:` of `authority.yaml`: the contact given; a made-up one
/// marked as a placeholder; or, with neither, the form in comments.
fn accessibility_yaml(email: Option<&str>, placeholders: bool, today: Date) -> String {
    let heading =
        "# For the accessibility statement (which follows the GOV.UK sample statement).\n";
    match (email, placeholders) {
        (Some(email), _) => format!(
            "{heading}accessibility:\n  contact_email: {}\n  statement_date: {today}\n",
            yaml_quote(email)
        ),
        (None, true) => format!(
            "{heading}accessibility:\n  contact_email: accessibility@council.example   {PLACEHOLDER_MARK}\n  statement_date: {today}\n"
        ),
        (None, false) => format!(
            "{heading}# Until it is given, the statement has no contact and `handbook check` notes that.\n\
             # accessibility:\n\
             #   contact_email: accessibility@your-council.gov.uk\n\
             #   contact_phone: \"01632 960000\"\n\
             #   statement_date: {today}\n"
        ),
    }
}

/// A commented `authority.yaml`; with `placeholders`, made-up contacts to
/// copy from, each marked [`PLACEHOLDER_MARK`].
fn authority_yaml(details: &Details, placeholders: bool) -> String {
    let name = details.name;
    format!(
        "# Settings for {name}'s edition of the handbook.\n\
         # Lines starting with # are comments. Run `handbook check` after each change.\n\
         # `handbook check` warns about each line marked `{PLACEHOLDER_MARK}` until the made-up\n\
         # value on it is replaced and the mark deleted.\n\
         \n\
         name: {name_q}              # the full name readers see\n\
         short_name: {short_q}       # a short name for the page header\n\
         jurisdiction: {jurisdiction}   # england | scotland | wales | northern-ireland\n\
         service: adults             # adults | children-and-families | all\n\
         {base}\
         \n\
         # A notice shown at the top of every page (delete the line if you need none).\n\
         # notice: \"This is a draft edition.\"\n\
         \n\
         # demonstration: true      # only for a made-up authority: the list of editions says it is fictional\n\
         \n\
         {address}\
         \n\
         # An edition in English and Welsh: the Welsh site is built at cy/ from `.cy.md` files beside\n\
         # your own and under translations/ (see docs/welsh.md in the Handbook repository).\n\
         # languages: [en, cy]\n\
         # translations:\n\
         # \x20 cy: {{ name: \"…\", short_name: \"…\" }}\n\
         \n\
         {contacts}\
         \n\
         # Examples are your own practice unless one names a `source:` listed here; then it is shown as\n\
         # drawn from that work. `examples:` words the heading over examples and the examples index.\n\
         # sources:\n\
         # \x20 - id: report-2026\n\
         # \x20   citation: \"Author (2026) Title. Place: Publisher.\"\n\
         # examples:\n\
         # \x20 heading: \"Practice examples from the 2026 report\"\n\
         # \x20 intro: \"These examples are drawn from … They describe other councils' work.\"\n\
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
         {accessibility}\
         \n\
         {feedback}",
        name_q = yaml_quote(name),
        short_q = yaml_quote(&short_name(name)),
        jurisdiction = jurisdiction_word(details.jurisdiction),
        contacts = contacts_yaml(placeholders),
        address = address_yaml(details.address.as_deref()),
        base = base_yaml(details.base),
        accessibility =
            accessibility_yaml(details.accessibility_email, placeholders, details.today),
        feedback = feedback_yaml(placeholders),
    )
}

/// One override, example, local page and template for a new authority to
/// copy from; the made-up ones are marked [`PLACEHOLDER_MARK`].
fn starter_files(today: Date) -> Vec<(&'static str, String)> {
    let mark = format!("{PLACEHOLDER_MARK}: made up by `handbook new-authority`; write your own, then delete this line\n");
    vec![
        (
            "overrides/step-1-local-contact.md",
            format!(
                "---\n{mark}\
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
                "---\n{mark}\
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
                "---\n{mark}\
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
    ]
}

/// Writes each `(path under dir, text)`, making folders. Returns the files.
fn write_files<T: AsRef<[u8]>>(
    dir: &Path,
    files: impl IntoIterator<Item = (impl AsRef<str>, T)>,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    let mut written = Vec::new();
    for (relative, bytes) in files {
        let path = dir.join(relative.as_ref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(ScaffoldError::Io)?;
        }
        std::fs::write(&path, bytes).map_err(ScaffoldError::Io)?;
        written.push(path);
    }
    Ok(written)
}

/// The folder of a new authority under `root`, once its slug is checked
/// and it does not exist yet.
fn new_authority_dir(root: &Path, slug: &str) -> Result<PathBuf, ScaffoldError> {
    if !is_valid_id(slug) {
        return Err(ScaffoldError::BadSlug(slug.to_string()));
    }
    let dir = root.join("local-overrides").join(slug);
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir));
    }
    Ok(dir)
}

/// Creates `local-overrides/<slug>/` under `root` with placeholders to
/// replace. Returns the files written.
pub fn new_authority(root: &Path, details: &Details) -> Result<Vec<PathBuf>, ScaffoldError> {
    if let Some(base) = details.base {
        let known = crate::stages::load::authority_slugs(root);
        if !known.iter().any(|k| k == base) {
            let hint = crate::support::diagnostic::did_you_mean(
                base,
                known.iter().map(String::as_str),
                "`--base` names the folder of a layer under local-overrides/, one whose authority.yaml says `kind: layer`",
            );
            return Err(ScaffoldError::UnknownBase(base.to_string(), hint));
        }
    }
    let dir = new_authority_dir(root, details.slug)?;
    let mut files = vec![("authority.yaml", authority_yaml(details, true))];
    files.extend(starter_files(details.today));
    write_files(&dir, files)
}

/// The folder name of the layer at `folder` (`init --base`), once it is
/// known to be one: a folder whose `authority.yaml` says `kind: layer`,
/// of the jurisdiction of `details` (the new authority's), named as an
/// authority folder may be, and not as the new authority is.
fn layer_name(folder: &Path, details: &Details) -> Result<String, ScaffoldError> {
    let not = |why| Err(ScaffoldError::NotALayer(folder.to_path_buf(), why));
    let Ok(settings) = std::fs::read_to_string(folder.join("authority.yaml")) else {
        return not("it has no authority.yaml");
    };
    let says_layer = settings.lines().any(|line| {
        let line = line.split(" #").next().unwrap_or_default().trim_end();
        matches!(line, "kind: layer" | "kind: \"layer\"" | "kind: 'layer'")
    });
    if !says_layer {
        return not("its authority.yaml does not say `kind: layer`, so it is a council's folder, not a layer");
    }
    let jurisdiction = format!("jurisdiction: {}", jurisdiction_word(details.jurisdiction));
    if !settings.lines().any(|line| line.trim_end() == jurisdiction) {
        return not("it is a layer of another jurisdiction's law than the new authority's");
    }
    let real = folder.canonicalize().map_err(ScaffoldError::Io)?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_valid_id(&name) {
        return Err(ScaffoldError::BadSlug(name));
    }
    if name == details.slug {
        return not("it has the same folder name as the new authority");
    }
    Ok(name)
}

/// Copies the files of `from` into `to` (made), folder by folder, leaving
/// out links (which could lead anywhere) and the files editors leave
/// beside the ones being edited.
fn copy_folder(from: &Path, to: &Path) -> Result<(), ScaffoldError> {
    std::fs::create_dir_all(to).map_err(ScaffoldError::Io)?;
    for entry in std::fs::read_dir(from).map_err(ScaffoldError::Io)? {
        let entry = entry.map_err(ScaffoldError::Io)?;
        let name = entry.file_name();
        let kind = entry.file_type().map_err(ScaffoldError::Io)?;
        if crate::support::source::is_leftover(&name.to_string_lossy()) || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            copy_folder(&entry.path(), &to.join(&name))?;
        } else {
            std::fs::copy(entry.path(), to.join(&name)).map_err(ScaffoldError::Io)?;
        }
    }
    Ok(())
}

/// Creates a new handbook root at `dir` (made if missing; `Err` if it has
/// any file or folder in it): `content/` and `themes/default/` as built
/// into Handbook, `local-overrides/<slug>/` with an `authority.yaml` of
/// what `details` says and empty `overrides/`, `examples/` and `pages/`
/// folders, `schemas/` with `.vscode/settings.json`, `.gitignore`, and
/// with `ci`, the council's pipeline ([`crate::tools::ci`]); with `layer`
/// (`--base`), a copy of that layer's folder in `local-overrides/`, which
/// the new authority builds on (`base:`).
pub fn init(
    dir: &Path,
    details: &Details,
    ci: Option<crate::tools::ci::Service>,
    layer: Option<&Path>,
) -> Result<(), ScaffoldError> {
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied || (dir.exists() && !dir.is_dir()) {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let layer = layer
        .map(|folder| Ok::<_, ScaffoldError>((folder, layer_name(folder, details)?)))
        .transpose()?;
    let mut details = details.clone();
    details.base = layer.as_ref().map(|(_, name)| name.as_str());
    let details = &details;
    let authority = new_authority_dir(dir, details.slug)?;
    if let Some((folder, name)) = &layer {
        copy_folder(folder, &dir.join("local-overrides").join(name))?;
    }
    let model = crate::model::shipped::built_in_files();
    write_files(&dir.join("content"), model.iter().copied())?;
    let record = crate::model::shipped::ModelFingerprints::built_in();
    write_files(
        &dir.join("content"),
        [(crate::model::shipped::FINGERPRINTS_FILE, record.to_yaml())],
    )?;
    write_files(
        &dir.join("themes").join("default"),
        crate::model::theme::built_in_files().iter().copied(),
    )?;
    write_files(
        &authority,
        [("authority.yaml", authority_yaml(details, false))],
    )?;
    for folder in ["overrides", "examples", "pages"] {
        std::fs::create_dir_all(authority.join(folder)).map_err(ScaffoldError::Io)?;
    }
    crate::tools::schema::write(&dir.join("schemas")).map_err(ScaffoldError::Io)?;
    write_files(
        dir,
        [
            (
                ".vscode/settings.json",
                crate::tools::schema::EDITOR_SETTINGS,
            ),
            (".gitignore", "/public/\n/.handbook-cache/\n"),
        ],
    )?;
    if let Some(service) = ci {
        let pipeline = crate::tools::ci::pipeline(service, details.name, &[details.slug]);
        write_files(dir, [(crate::tools::ci::file_name(service), pipeline)])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_and_theme_are_built_in() {
        let names: Vec<&str> = crate::model::shipped::built_in_files()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        for file in ["handbook.yaml", "_index.md", "step-3.md", "credits.md"] {
            assert!(names.contains(&file), "{file} is not built in: {names:?}");
        }
        let theme: Vec<&str> = crate::model::theme::built_in_files()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert!(theme.contains(&"templates/page.html"));
        assert!(theme.contains(&"static/handbook.css"));
    }

    #[test]
    fn only_made_up_values_are_marked() {
        let details = Details {
            slug: "north-exampleshire",
            name: "North \"Exampleshire\" Council",
            jurisdiction: Jurisdiction::Wales,
            accessibility_email: Some("access@north.example"),
            address: Some("https://intranet.example/guidance/".to_string()),
            base: None,
            today: Date::constant(2026, 11, 24),
        };
        let told = authority_yaml(&details, false);
        assert_eq!(told.matches(&format!("   {PLACEHOLDER_MARK}")).count(), 0);
        assert!(told.contains("name: \"North \\\"Exampleshire\\\" Council\""));
        assert!(told.contains("short_name: \"North \\\"Exampleshire\\\"\""));
        assert!(told.contains("jurisdiction: wales"));
        assert!(told.contains("contact_email: \"access@north.example\""));
        assert!(told.contains("\naddress: \"https://intranet.example/guidance/\"\n"));
        let made_up = authority_yaml(&details, true);
        assert_eq!(
            made_up.matches(&format!("   {PLACEHOLDER_MARK}")).count(),
            3
        );
        assert!(made_up.contains(&format!(
            "  email: handbook@council.example   {PLACEHOLDER_MARK}"
        )));
        assert!(told.contains("# feedback:\n#   email: handbook@your-council.gov.uk\n"));
    }
}
