//! The council's own pipeline, written by `handbook init --ci github|gitlab`
//! (issue 33), run as its service would run it: each shell step of the
//! generated file in order, in a fresh `init` root, with the binary under
//! test standing in for the release it downloads (served from a `file://`
//! address, so the download and its checksum check really run). What the
//! pipeline publishes is then the council's edition alone, with the build
//! cache kept outside it. Both files are also valid for their services
//! (the SchemaStore schemas, as for `docs/pipelines/`).
//!
//! Needs `bash`, `curl` and `sha256sum`, which `.ci/run` makes sure of.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::schemas::validate;
use common::*;

/// A fresh root made by `init --ci SERVICE`, in `dir/council-handbook`.
fn init_with(dir: &Path, service: &str) -> PathBuf {
    let extra = [
        "--accessibility-email",
        "access@north.example",
        "--address",
        "https://intranet.example/guidance/",
        "--ci",
        service,
    ];
    let (root, run) = init_council(dir, "england", &extra);
    assert!(
        service == "none" || text(&run).contains("set HANDBOOK_SHA256 at the top of"),
        "init says what to do before the first run:\n{}",
        text(&run)
    );
    root
}

/// The release the pipeline downloads, as a folder it can reach by a
/// `file://` address: `<returned>/v<version>/handbook-<version>-<target>`,
/// a copy of the binary under test. Returns the address and its SHA-256.
fn stand_in_release(dir: &Path) -> (String, String) {
    let version = env!("CARGO_PKG_VERSION");
    let folder = dir.join("releases").join(format!("v{version}"));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(format!("handbook-{version}-x86_64-unknown-linux-musl"));
    std::fs::copy(env!("CARGO_BIN_EXE_handbook"), &file).unwrap();
    let sum = Command::new("sha256sum")
        .arg(&file)
        .output()
        .expect("sha256sum runs");
    assert!(sum.status.success());
    let sum = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    (format!("file://{}", dir.join("releases").display()), sum)
}

/// A shell step's result: whether it succeeded, and what it printed.
struct Ran {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `script` with bash as a CI service does (`-e`, `pipefail`), in
/// `root`, with `env` on top of a PATH that has no `handbook` on it.
fn run_shell(root: &Path, script: &str, env: &[(String, String)]) -> Ran {
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(root)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", root)
        .env("NO_COLOR", "1")
        .env("HANDBOOK_TODAY", TODAY)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("bash runs");
    Ran {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The pipeline's variables (GitHub's `env:`, GitLab's `variables:`), with
/// the release address and checksum replaced by `pin`.
fn variables(yaml: &serde_json::Value, key: &str, pin: (&str, &str)) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = yaml[key]
        .as_object()
        .unwrap_or_else(|| panic!("no `{key}:` in the pipeline"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    for (name, value) in [("HANDBOOK_RELEASES", pin.0), ("HANDBOOK_SHA256", pin.1)] {
        let at = vars
            .iter()
            .position(|(k, _)| k == name)
            .unwrap_or_else(|| panic!("no {name}"));
        vars[at].1 = value.to_string();
    }
    vars
}

fn yaml(path: &Path) -> serde_json::Value {
    serde_saphyr::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the GitHub job's steps on a push to main, as the runner would:
/// each `run:` in order with the workflow's `env:`, `RUNNER_TEMP` and
/// `GITHUB_PATH` (whose folders go on PATH for the later steps); a step
/// for failures only is left out while none failed, and a step of an
/// action (`uses:`) is recorded for the caller to check. Stops at the
/// first failing step and returns each step's name and result.
fn run_github_job(
    root: &Path,
    workflow: &serde_json::Value,
    pin: (&str, &str),
) -> Vec<(String, Ran)> {
    let temp = tempfile::tempdir().unwrap();
    let github_path = temp.path().join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let mut env = variables(workflow, "env", pin);
    env.push(("RUNNER_TEMP".into(), temp.path().display().to_string()));
    env.push(("GITHUB_PATH".into(), github_path.display().to_string()));
    let mut results = Vec::new();
    for step in workflow["jobs"]["handbook"]["steps"].as_array().unwrap() {
        let name = step["name"]
            .as_str()
            .or(step["uses"].as_str())
            .unwrap()
            .to_string();
        let condition = step["if"].as_str().unwrap_or("");
        if condition.contains("failure()") {
            continue;
        }
        assert!(
            condition.is_empty() || condition == "${{ github.event_name == 'push' }}",
            "{name}: an `if:` the test does not know: {condition}"
        );
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let added: Vec<String> = read(&github_path).lines().map(str::to_string).collect();
        let mut step_env = env.clone();
        step_env.push((
            "PATH".into(),
            format!("{}:/usr/local/bin:/usr/bin:/bin", added.join(":")),
        ));
        let ran = run_shell(root, script, &step_env);
        let ok = ran.ok;
        results.push((name, ran));
        if !ok {
            break;
        }
    }
    results
}

/// The step called `name`, which must have run.
fn step<'a>(results: &'a [(String, Ran)], name: &str) -> &'a Ran {
    &results
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| {
            panic!(
                "the step `{name}` did not run: {:?}",
                results.iter().map(|(n, _)| n).collect::<Vec<_>>()
            )
        })
        .1
}

/// What a pipeline published in `public/`: the council's edition alone,
/// at the top (no model edition, no demonstration council, no list of
/// editions), and no build cache, which is in the root instead.
fn assert_published_the_councils_edition(root: &Path) {
    let public = root.join("public");
    let home = read(public.join("index.html"));
    assert!(
        home.contains("North Exampleshire Council"),
        "the council's home page"
    );
    for absent in ["model", "exampleshire", "cwm-derwen", ".handbook-cache"] {
        assert!(
            !public.join(absent).exists(),
            "public/{absent} was published"
        );
    }
    assert!(public.join("404.html").is_file());
    assert!(
        read(public.join("sitemap.xml")).contains("https://intranet.example/guidance/step-3.html"),
        "the address given to init --address"
    );
    assert!(
        root.join(".handbook-cache").is_dir(),
        "the build cache, kept outside public/"
    );
    let published: Vec<PathBuf> = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .collect();
    assert!(published
        .iter()
        .all(|p| !p.to_string_lossy().contains("handbook-cache")));
}

#[test]
fn the_github_pipeline_fetches_the_pinned_release_checks_and_publishes_the_councils_edition() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_with(dir.path(), "github");
    let file = root.join(".github/workflows/handbook.yml");
    let workflow = yaml(&file);
    let (address, sum) = stand_in_release(dir.path());

    // As written, the checksum is not set yet: the first step stops, saying what to set.
    let results = run_github_job(&root, &workflow, ("", ""));
    let fetch = step(&results, "Fetch Handbook");
    assert!(
        !fetch.ok && fetch.stderr.contains("Set HANDBOOK_SHA256"),
        "{}",
        fetch.stderr
    );
    assert_eq!(results.len(), 1, "nothing ran after it");

    // A download that is not the pinned release stops the pipeline there.
    let wrong = "0".repeat(64);
    let results = run_github_job(&root, &workflow, (&address, &wrong));
    let fetch = step(&results, "Fetch Handbook");
    assert!(!fetch.ok, "a wrong checksum passed");
    assert!(
        fetch.stdout.contains("FAILED") || fetch.stderr.contains("FAILED"),
        "{}{}",
        fetch.stdout,
        fetch.stderr
    );
    assert_eq!(results.len(), 1, "nothing ran after it");
    assert!(!root.join("public").exists());

    // The pinned release: every step runs.
    let results = run_github_job(&root, &workflow, (&address, &sum));
    for (name, ran) in &results {
        assert!(ran.ok, "{name} failed:\n{}{}", ran.stdout, ran.stderr);
    }
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Fetch Handbook", "Check", "Build"]);
    assert!(step(&results, "Fetch Handbook")
        .stdout
        .contains(&format!("Fetched handbook {}", env!("CARGO_PKG_VERSION"))));
    // The check speaks in GitHub's annotations, one command a line.
    let check = &step(&results, "Check").stdout;
    assert!(check.lines().all(|l| l.starts_with("::")), "{check}");
    assert_published_the_councils_edition(&root);

    // The actions' steps hand on what the shell steps made.
    let steps = workflow["jobs"]["handbook"]["steps"].as_array().unwrap();
    let with_of = |action: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(action)))
            .unwrap_or_else(|| panic!("no {action}"))["with"]
            .clone()
    };
    assert_eq!(with_of("actions/cache@")["path"], ".handbook-cache");
    assert_eq!(with_of("actions/upload-pages-artifact@")["path"], "public");
    assert_eq!(with_of("actions/upload-artifact@")["path"], "public");
    assert_eq!(with_of("actions/checkout@")["fetch-depth"], 0);
    assert!(workflow["jobs"]["publish"]["steps"][0]["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/deploy-pages@"));

    // The next run, with the cache kept, publishes the same site.
    let before = snapshot(&root.join("public"));
    let results = run_github_job(&root, &workflow, (&address, &sum));
    assert!(results.iter().all(|(_, r)| r.ok));
    assert_eq!(snapshot(&root.join("public")), before);
}

#[test]
fn the_gitlab_pipeline_fetches_the_pinned_release_checks_and_publishes_the_councils_edition() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_with(dir.path(), "gitlab");
    let pipeline = yaml(&root.join(".gitlab-ci.yml"));
    let (address, sum) = stand_in_release(dir.path());
    let temp = tempfile::tempdir().unwrap();
    let lines = |value: &serde_json::Value| -> String {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // GitLab runs a job's before_script and script in one shell.
    let job = |name: &str, pin: (&str, &str)| {
        let script = format!(
            "{}\n{}",
            lines(&pipeline["default"]["before_script"]),
            lines(&pipeline[name]["script"])
        );
        let mut env = variables(&pipeline, "variables", pin);
        env.push(("TMPDIR".into(), temp.path().display().to_string()));
        run_shell(&root, &script, &env)
    };
    let wrong = "0".repeat(64);
    let ran = job("check", (&address, &wrong));
    assert!(!ran.ok && format!("{}{}", ran.stdout, ran.stderr).contains("FAILED"));
    let ran = job("check", (&address, &sum));
    assert!(ran.ok, "{}{}", ran.stdout, ran.stderr);
    let said = format!("{}{}", ran.stdout, ran.stderr);
    assert!(said.contains("0 errors, 0 warnings"), "{said}");
    assert!(!root.join("public").exists(), "check builds nothing");
    let ran = job("pages", (&address, &sum));
    assert!(ran.ok, "{}{}", ran.stdout, ran.stderr);
    assert_published_the_councils_edition(&root);
    assert_eq!(
        pipeline["pages"]["artifacts"]["paths"],
        serde_json::json!(["public"])
    );
    assert_eq!(
        pipeline["pages"]["cache"]["paths"],
        serde_json::json!([".handbook-cache/"])
    );
    assert_eq!(pipeline["variables"]["GIT_DEPTH"], "0");
}

#[test]
fn the_pipelines_init_writes_are_valid_for_their_services() {
    let dir = tempfile::tempdir().unwrap();
    let github = init_with(&dir.path().join("g"), "github");
    let gitlab = init_with(&dir.path().join("l"), "gitlab");
    let none = init_with(&dir.path().join("n"), "none");
    assert!(!none.join(".github").exists() && !none.join(".gitlab-ci.yml").exists());
    let lines = validate(
        serde_json::json!({
            "github": {"schemastore": "GitHub Workflow"},
            "gitlab": {"schemastore": "gitlab-ci"},
        }),
        &[
            (
                "init --ci github".to_string(),
                "github",
                yaml(&github.join(".github/workflows/handbook.yml")),
            ),
            (
                "init --ci gitlab".to_string(),
                "gitlab",
                yaml(&gitlab.join(".gitlab-ci.yml")),
            ),
        ],
    );
    assert_eq!(lines, ["ok init --ci github", "ok init --ci gitlab"]);
}
