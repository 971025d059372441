//! The council's own pipeline, written by `handbook init --ci github|gitlab`:
//! it fetches a pinned Handbook release, checks every change, and on the
//! main branch builds the council's editions and publishes them.
//!
//! The release is pinned in one place, the variables at the top of the
//! pipeline: its version, the SHA-256 of its Linux x86_64 binary, and the
//! address releases are downloaded from. The version is this program's; the
//! address is known to a build made by the release workflow
//! (`HANDBOOK_RELEASES` when it was compiled); the checksum never is (a
//! binary cannot hold its own), so the council copies it from the release's
//! `SHA256SUMS`, and the pipeline's first step stops, saying so, until it does.
//!
//! The build cache is kept between runs in `.handbook-cache/` in the root,
//! outside the published `public/`. Only the council's editions are built
//! and checked (`--authority`), never the model edition.

/// Which pipeline to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// GitHub Actions, published with GitHub Pages.
    Github,
    /// GitLab CI/CD, published with GitLab Pages.
    Gitlab,
}

/// The binary the pipeline fetches: a static Linux x86_64 build, which runs
/// on any Linux runner.
pub const TARGET: &str = "x86_64-unknown-linux-musl";

/// The file the pipeline is written to in the root.
pub fn file_name(service: Service) -> &'static str {
    match service {
        Service::Github => ".github/workflows/handbook.yml",
        Service::Gitlab => ".gitlab-ci.yml",
    }
}

/// The address Handbook's releases are downloaded from (`<it>/v<version>/<file>`),
/// when this program was built by the release workflow; empty otherwise.
pub fn releases_address() -> &'static str {
    option_env!("HANDBOOK_RELEASES").unwrap_or("")
}

/// The shell lines that fetch the pinned release into `$bin` and check its
/// SHA-256 (POSIX sh with `curl` and `sha256sum`), indented by `indent`.
fn fetch_lines(indent: &str) -> String {
    let lines = [
        "set -e",
        "file=\"handbook-$HANDBOOK_VERSION-x86_64-unknown-linux-musl\"",
        "if [ -z \"$HANDBOOK_SHA256\" ] || [ -z \"$HANDBOOK_RELEASES\" ]; then",
        "  echo \"Set HANDBOOK_SHA256 (and HANDBOOK_RELEASES) at the top of this pipeline: the checksum is the line for $file in SHA256SUMS of Handbook's release v$HANDBOOK_VERSION.\" >&2",
        "  exit 1",
        "fi",
        "mkdir -p \"$bin\"",
        "curl --fail --silent --show-error --location --retry 3 --output \"$bin/handbook\" \"$HANDBOOK_RELEASES/v$HANDBOOK_VERSION/$file\"",
        "# Stops the pipeline unless the download is the release pinned above.",
        "echo \"$HANDBOOK_SHA256  $bin/handbook\" | sha256sum --check --strict",
        "chmod +x \"$bin/handbook\"",
        "handbook_version=\"$(\"$bin/handbook\" --version)\"",
        "echo \"Fetched $handbook_version\"",
    ];
    lines.iter().map(|l| format!("{indent}{l}\n")).collect()
}

/// The variables that pin the release, with the comment that says how to
/// change them, indented by `indent`.
fn pin_lines(indent: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let releases = releases_address();
    format!(
        "{indent}# Which Handbook runs, the one place to change it. To move to a newer release, change\n\
         {indent}# HANDBOOK_VERSION and HANDBOOK_SHA256 together: the checksum is the line for\n\
         {indent}# handbook-VERSION-{TARGET} in that release's SHA256SUMS.\n\
         {indent}HANDBOOK_VERSION: \"{version}\"\n\
         {indent}HANDBOOK_SHA256: \"\"\n\
         {indent}HANDBOOK_RELEASES: \"{releases}\"\n"
    )
}

/// `--authority SLUG` for each of the council's editions.
fn editions(slugs: &[&str]) -> String {
    slugs
        .iter()
        .map(|s| format!("--authority {s}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pipeline for `service`, checking and building the editions `slugs`
/// of the council `name`.
pub fn pipeline(service: Service, name: &str, slugs: &[&str]) -> String {
    match service {
        Service::Github => github(name, slugs),
        Service::Gitlab => gitlab(name, slugs),
    }
}

fn github(name: &str, slugs: &[&str]) -> String {
    let editions = editions(slugs);
    let pin = pin_lines("  ");
    let fetch = fetch_lines("          ");
    let push = "${{ github.event_name == 'push' }}";
    format!(
        "# {name}'s handbook on GitHub Actions, written by `handbook init --ci github`.\n\
         #\n\
         # Every pull request: `handbook check` marks each problem on the lines it changes.\n\
         # The main branch: the same check, then the edition is built and published with\n\
         # GitHub Pages (Settings > Pages > Source: \"GitHub Actions\"). A site on GitHub Pages is\n\
         # public: for staff-only guidance, publish the `handbook-site` artifact to your own server.\n\
         \n\
         name: Handbook\n\
         \n\
         on:\n\
         \x20 pull_request:\n\
         \x20 push:\n\
         \x20   branches: [main]\n\
         \n\
         env:\n\
         {pin}\
         \n\
         permissions:\n\
         \x20 contents: read\n\
         \n\
         jobs:\n\
         \x20 handbook:\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   steps:\n\
         \x20     - uses: actions/checkout@v7\n\
         \x20       with:\n\
         \x20         fetch-depth: 0 # every commit and tag: published versions are read from them\n\
         \n\
         \x20     - name: Fetch Handbook\n\
         \x20       run: |\n\
         \x20         bin=\"$RUNNER_TEMP/handbook-$HANDBOOK_VERSION\"\n\
         {fetch}\
         \x20         echo \"$bin\" >> \"$GITHUB_PATH\"\n\
         \n\
         \x20     # Fails on errors, and on warnings (overdue reviews, model changes under an override).\n\
         \x20     - name: Check\n\
         \x20       id: check\n\
         \x20       run: handbook check --deny-warnings --format github {editions}\n\
         \n\
         \x20     - name: Explain the problems in the log\n\
         \x20       if: ${{{{ failure() && steps.check.outcome == 'failure' }}}}\n\
         \x20       run: handbook check --deny-warnings {editions}\n\
         \n\
         \x20     # The build cache (past releases' pages, search indexes), kept outside the published folder.\n\
         \x20     - name: Keep the build cache between runs\n\
         \x20       if: {push}\n\
         \x20       uses: actions/cache@v5\n\
         \x20       with:\n\
         \x20         path: .handbook-cache\n\
         \x20         key: handbook-cache-${{{{ github.run_id }}}}\n\
         \x20         restore-keys: handbook-cache-\n\
         \n\
         \x20     - name: Build\n\
         \x20       if: {push}\n\
         \x20       run: handbook build {editions} --out public --cache .handbook-cache\n\
         \n\
         \x20     - name: Keep the site as an artifact\n\
         \x20       if: {push}\n\
         \x20       uses: actions/upload-artifact@v6\n\
         \x20       with:\n\
         \x20         name: handbook-site\n\
         \x20         path: public\n\
         \n\
         \x20     - name: Hand the site to GitHub Pages\n\
         \x20       if: {push}\n\
         \x20       uses: actions/upload-pages-artifact@v5\n\
         \x20       with:\n\
         \x20         path: public\n\
         \n\
         \x20 publish:\n\
         \x20   if: {push}\n\
         \x20   needs: handbook\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   permissions:\n\
         \x20     pages: write # deploy to GitHub Pages\n\
         \x20     id-token: write # prove the deployment comes from this workflow\n\
         \x20   environment:\n\
         \x20     name: github-pages\n\
         \x20     url: ${{{{ steps.deployment.outputs.page_url }}}}\n\
         \x20   concurrency:\n\
         \x20     group: pages\n\
         \x20     cancel-in-progress: false\n\
         \x20   steps:\n\
         \x20     - id: deployment\n\
         \x20       uses: actions/deploy-pages@v5\n"
    )
}

fn gitlab(name: &str, slugs: &[&str]) -> String {
    let editions = editions(slugs);
    let pin = pin_lines("  ");
    let fetch = fetch_lines("      ");
    format!(
        "# {name}'s handbook on GitLab CI/CD, written by `handbook init --ci gitlab`.\n\
         #\n\
         # Every merge request: `handbook check`; the job fails on any error or warning, and its\n\
         # log lists each problem as file:line:col with a hint. The default branch: the same\n\
         # check, then the edition is built and published with GitLab Pages (the `pages` job),\n\
         # and kept as the job's artifact.\n\
         \n\
         variables:\n\
         {pin}\
         \x20 # Every commit and tag: published versions are read from them.\n\
         \x20 GIT_DEPTH: \"0\"\n\
         \n\
         # Debian with curl and the CA certificates, to fetch Handbook.\n\
         image: buildpack-deps:bookworm-curl\n\
         \n\
         workflow:\n\
         \x20 rules:\n\
         \x20   - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n\
         \x20   - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n\
         \n\
         stages: [check, deploy]\n\
         \n\
         default:\n\
         \x20 before_script:\n\
         \x20   - |\n\
         \x20     bin=\"${{TMPDIR:-/tmp}}/handbook-$HANDBOOK_VERSION\"\n\
         {fetch}\
         \x20     export PATH=\"$bin:$PATH\"\n\
         \n\
         # Fails on errors, and on warnings (overdue reviews, model changes under an override).\n\
         check:\n\
         \x20 stage: check\n\
         \x20 script:\n\
         \x20   - handbook check --deny-warnings {editions}\n\
         \n\
         # GitLab Pages publishes the job called `pages` from its public/ folder.\n\
         pages:\n\
         \x20 stage: deploy\n\
         \x20 script:\n\
         \x20   - handbook build {editions} --out public --cache .handbook-cache\n\
         \x20 # The build cache (past releases' pages, search indexes), kept outside the published folder.\n\
         \x20 cache:\n\
         \x20   key: handbook-build-cache\n\
         \x20   paths:\n\
         \x20     - .handbook-cache/\n\
         \x20 artifacts:\n\
         \x20   paths:\n\
         \x20     - public\n\
         \x20 rules:\n\
         \x20   - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pipeline_pins_the_release_in_one_place_and_builds_only_the_councils_editions() {
        for service in [Service::Github, Service::Gitlab] {
            let text = pipeline(service, "North Council", &["north"]);
            for pin in [
                "HANDBOOK_VERSION:",
                "HANDBOOK_SHA256:",
                "HANDBOOK_RELEASES:",
            ] {
                assert_eq!(text.matches(pin).count(), 1, "{pin} once:\n{text}");
            }
            assert!(text.contains(&format!(
                "HANDBOOK_VERSION: \"{}\"",
                env!("CARGO_PKG_VERSION")
            )));
            assert!(text.contains("sha256sum --check --strict"));
            assert!(text
                .contains("handbook build --authority north --out public --cache .handbook-cache"));
            assert!(!text.contains("cargo"), "no Rust on the runner");
            assert!(!text.contains('\t'));
        }
    }
}
