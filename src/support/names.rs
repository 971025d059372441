//! Safe names: whether a page id or file name can be published as one part
//! of an output path on every system councils copy editions to.
//!
//! A leaf: it imports nothing from the pipeline and touches no files.

/// Why `version` cannot name a release, if it cannot. A version is
/// made once and read by many: it is the last part of a git tag
/// (`handbook/model/VERSION`), a folder of every edition that shows it
/// (`versions/VERSION/`, on any file system, Windows and macOS ones
/// ignoring case), and part of every address into that folder. So it is
/// judged here, for all of them at once: lowercase ASCII letters, digits,
/// `.` and `-`, starting with a letter or digit, never `..`, and never a
/// name [`unsafe_name`] refuses (`con`, `nul`…).
pub fn version_problem(version: &str) -> Option<String> {
    if version.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = version
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        return Some(if c.is_ascii_uppercase() {
            format!("it has the capital `{c}`: versions are lowercase, so that `v4` and `V4`, one folder on Windows and macOS, cannot both be made")
        } else {
            format!(
                "it has `{c}`, which cannot stand in a folder's name and a web address everywhere"
            )
        });
    }
    if !version.starts_with(|c: char| c.is_ascii_alphanumeric()) || version.contains("..") {
        return Some("it must start with a letter or digit and have no `..`".into());
    }
    unsafe_name(version)
}

/// Why `name`, one part of an output path, would be unsafe on a Windows file
/// share, if it would be: a name Windows reserves for a device (`CON`, `PRN`,
/// `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, in any case, with or without an
/// extension), a character Windows refuses (`<>:"|?*\` or a control
/// character), a dot or space at the end; or, since every name is also
/// part of a web address (RFC 3986), a `#` or `%`.
pub fn unsafe_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".to_string());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "it contains the control character U+{:04X}",
            u32::from(c)
        ));
    }
    if let Some(c) = name.chars().find(|c| "<>:\"|?*\\".contains(*c)) {
        return Some(format!(
            "it contains `{c}`, which Windows does not allow in file names"
        ));
    }
    // A name is also read as part of a web address: there `#` starts a
    // fragment and `%` an escape, so `x#1.png` and `100%.pdf` name other files.
    if let Some(c) = name.chars().find(|c| matches!(c, '#' | '%')) {
        return Some(format!(
            "it contains `{c}`, which means something else in a web address, so links to it would go elsewhere"
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(
            "it ends with a dot or a space, which Windows drops from file names".to_string(),
        );
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = stem.to_uppercase();
    let numbered = |prefix: &str| {
        upper.strip_prefix(prefix).is_some_and(|n| {
            matches!(
                n,
                "1" | "2"
                    | "3"
                    | "4"
                    | "5"
                    | "6"
                    | "7"
                    | "8"
                    | "9"
                    | "\u{b9}"
                    | "\u{b2}"
                    | "\u{b3}"
            )
        })
    };
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || numbered("COM")
        || numbered("LPT")
    {
        return Some(format!(
            "`{stem}` is a name Windows reserves for a device, with or without an extension"
        ));
    }
    None
}
