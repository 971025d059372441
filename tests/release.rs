//! Handbook's own release (issue 33): the workflow that builds a binary for
//! each platform from a version tag is valid for GitHub Actions (the
//! SchemaStore schema, as for `docs/pipelines/`) and builds every target the
//! README offers, with checksums; the container image holds the binary
//! alone and runs it as a user that is not root; the allocator is chosen
//! for the same platforms in `Cargo.toml` and `src/main.rs`; and the README
//! offers the download before `cargo install`.

mod common;

use common::schemas::validate;
use common::*;

/// The platforms a release has a binary for.
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-pc-windows-msvc",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

fn workflow() -> serde_json::Value {
    let text = read(repo().join(".github/workflows/release.yml"));
    serde_saphyr::from_str(&text).expect("the release workflow is YAML")
}

#[test]
fn the_release_workflow_is_valid_and_builds_every_platform_from_a_tag_with_checksums() {
    let workflow = workflow();
    let lines = validate(
        serde_json::json!({"github": {"schemastore": "GitHub Workflow"}}),
        &[("release.yml".to_string(), "github", workflow.clone())],
    );
    assert_eq!(lines, ["ok release.yml"]);
    assert_eq!(
        workflow["on"]["push"]["tags"],
        serde_json::json!(["v*"]),
        "made from a version tag"
    );
    let matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap();
    let built: Vec<&str> = matrix
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(built, TARGETS);
    let text = read(repo().join(".github/workflows/release.yml"));
    for needed in [
        "cargo build --release --locked --target",
        // The tag is the version the binaries say they are.
        "is not the version in Cargo.toml",
        "sha256sum handbook-* > SHA256SUMS",
        "gh release create",
        // The Linux binaries are checked to be static.
        "statically linked",
        // The binaries know where their releases are downloaded from, for `init --ci`.
        "HANDBOOK_RELEASES: ${{ github.server_url }}/${{ github.repository }}/releases/download",
        "--file Containerfile",
    ] {
        assert!(
            text.contains(needed),
            "the release workflow lacks {needed:?}"
        );
    }
    // Named as the council's pipeline downloads it.
    assert!(text.contains("dist/handbook-$VERSION-${{ matrix.target }}$ext"));
}

#[test]
fn the_container_image_holds_only_the_binary_and_runs_it_as_a_user_that_is_not_root() {
    let text = read(repo().join("Containerfile"));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let instruction = |word: &str| -> Vec<&str> {
        lines
            .iter()
            .filter(|l| l.starts_with(word))
            .map(|l| l[word.len()..].trim())
            .collect()
    };
    assert_eq!(
        instruction("FROM "),
        ["scratch"],
        "nothing but what is copied"
    );
    assert_eq!(
        instruction("COPY "),
        ["--chmod=0555 ${TARGETARCH}/handbook /handbook"],
        "the binary alone"
    );
    assert!(instruction("RUN ").is_empty());
    assert!(instruction("ADD ").is_empty());
    let user = instruction("USER ");
    assert_eq!(user.len(), 1);
    let uid = user[0].split(':').next().unwrap();
    assert!(
        uid.parse::<u32>().is_ok_and(|id| id != 0),
        "a numeric user that is not root: {uid}"
    );
    assert_eq!(instruction("ENTRYPOINT "), ["[\"/handbook\"]"]);
}

/// The `cfg(...)` of the table in `Cargo.toml` that holds `crate`.
fn cargo_cfg_of(krate: &str) -> String {
    let manifest = read(repo().join("Cargo.toml"));
    let mut table = String::new();
    for line in manifest.lines() {
        if line.starts_with('[') {
            table = line.to_string();
        }
        if line.starts_with(&format!("{krate} ")) {
            return table
                .strip_prefix("[target.'")
                .and_then(|t| t.strip_suffix("'.dependencies]"))
                .unwrap_or_else(|| panic!("{krate} is not a target dependency: {table}"))
                .to_string();
        }
    }
    panic!("{krate} is not in Cargo.toml");
}

#[test]
fn the_allocator_is_chosen_for_the_same_platforms_where_it_is_used_and_where_it_is_built() {
    let cfg = cargo_cfg_of("tikv-jemallocator");
    // jemalloc is built from C with the platform's C compiler: on Linux
    // (glibc, and musl for the static release binaries); Windows and macOS
    // keep their own allocator, so their builds need no C toolchain.
    assert_eq!(cfg, "cfg(target_os = \"linux\")");
    for file in ["src/main.rs", "benches/stages.rs"] {
        let text = read(repo().join(file));
        let at = text
            .find("static ALLOCATOR: tikv_jemallocator::Jemalloc")
            .unwrap_or_else(|| panic!("{file} sets no allocator"));
        let before: Vec<&str> = text[..at].lines().rev().take(2).collect();
        assert_eq!(
            before,
            ["#[global_allocator]", &format!("#[{cfg}]")],
            "{file}: the allocator's cfg is Cargo.toml's"
        );
    }
}

#[test]
fn the_readme_offers_the_download_first_and_cargo_install_second() {
    let readme = read(repo().join("README.md"));
    let install = &readme[readme
        .find("## Installing Handbook")
        .expect("an install section")..];
    let download = install.find("### Download").expect("a download");
    let build = install.find("cargo install --locked --path .").unwrap();
    assert!(download < build);
    let offered = &install[download..build];
    assert!(!offered.contains("Not available yet"));
    for word in ["Linux", "Windows", "macOS", "SHA256SUMS", "Containerfile"] {
        assert!(offered.contains(word), "the download section names {word}");
    }
    for target in TARGETS {
        let arch = target.split('-').next().unwrap();
        assert!(offered.contains(arch), "{arch}");
    }
}
