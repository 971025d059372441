//! What `handbook serve` tells a policy lead in the terminal as they save:
//! one line per save with the files it changed, a failure printed once
//! while saves keep failing the same way, and problems the background link
//! check finds (a missing image) printed too, with a banner that says the
//! pages shown are current.

mod common;

use common::*;

/// Saves `text` as `file` the way many editors do: a new file beside it,
/// renamed over it.
fn save_by_rename(root: &std::path::Path, file: &str, text: &str) {
    let path = root.join(file);
    let temporary = path.with_file_name("hb-save-3f9a1c");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
}

/// Waits for the background work after the build that printed line `at`.
fn settle(server: &Server, after: usize) -> usize {
    server
        .wait_for_line("Search index and link check updated", after)
        .expect("the background work after a build")
}

#[test]
fn one_save_is_one_rebuild_that_names_how_many_files_changed() {
    let root = small_root();
    let server = start(root.path(), &[]);
    let ready = settle(&server, 0);
    let text = read(root.path().join("content/visits.md")).replace("a good week", "a good day");
    save_by_rename(root.path(), "content/visits.md", &text);
    let rebuilt = server
        .wait_for_line("Rebuilt in", ready)
        .expect("the save is rebuilt");
    let done = settle(&server, rebuilt - 1);
    // A save with nothing in it, so that any rebuild of the first is done.
    let text = format!("{text}\n");
    save_by_rename(root.path(), "content/visits.md", &text);
    let second = server
        .wait_for_line("Rebuilt in", done)
        .expect("the second save is rebuilt");
    let log = server.log_after(ready);
    let rebuilds: Vec<&String> = log[..second - ready]
        .iter()
        .filter(|l| l.starts_with("Rebuilt in"))
        .collect();
    assert_eq!(rebuilds.len(), 2, "one rebuild per save:\n{log:#?}");
    assert!(
        rebuilds[0].ends_with("(1 file changed)."),
        "the edit changed visits.html: {log:#?}"
    );
    assert!(
        rebuilds[1].ends_with("(0 files changed)."),
        "a blank line changes no page: {log:#?}"
    );
}

#[test]
fn a_failure_is_printed_once_while_saves_keep_failing_the_same_way() {
    let root = small_root();
    let server = start(root.path(), &[]);
    let ready = settle(&server, 0);
    let path = root.path().join("content/plans.md");
    let good = read(&path);
    let broken = good.replacen("title: ", "title: [unclosed ", 1);
    save_by_rename(root.path(), "content/plans.md", &broken);
    let failed = server
        .wait_for_line("The build failed", ready)
        .expect("the failure is printed");
    // Saved again, still broken the same way; then an unrelated broken
    // save is printed, which shows the second save was built.
    save_by_rename(root.path(), "content/plans.md", &format!("{broken}\n"));
    let reviews = read(root.path().join("content/reviews.md"));
    let also_broken = reviews.replacen("title: ", "title: [also unclosed ", 1);
    save_by_rename(root.path(), "content/reviews.md", &also_broken);
    let second = server
        .wait_for_line("content/reviews.md", failed)
        .expect("a new problem is printed");
    let log = server.log_after(ready);
    let until_second = &log[..second - ready];
    let plans_printed = until_second
        .iter()
        .filter(|l| l.starts_with("content/plans.md:3:8: error"))
        .count();
    assert_eq!(plans_printed, 2, "printed when it first failed, and again with the new problem, never for the same failure:\n{log:#?}");
    let headers = until_second
        .iter()
        .filter(|l| l.starts_with("The build failed"))
        .count();
    assert_eq!(headers, 2, "{log:#?}");
    save_by_rename(root.path(), "content/plans.md", &good);
    save_by_rename(root.path(), "content/reviews.md", &reviews);
    server
        .wait_for_line("The build works again", second)
        .expect("the fix is reported");
}

#[test]
fn a_missing_image_is_printed_and_the_banner_says_the_pages_are_current() {
    let root = small_root();
    let server = start(root.path(), &[]);
    let ready = settle(&server, 0);
    let path = root.path().join("content/plans.md");
    let text = read(&path);
    std::fs::write(
        &path,
        format!("{text}\n![How a plan goes to panel](assets/panel-flow.png)\n"),
    )
    .unwrap();
    server
        .wait_for_line("problems that would stop `handbook build`", ready)
        .expect("the link check's problems are printed");
    server
        .wait_for_line("assets/panel-flow.png", ready)
        .expect("the missing image is named");
    let page = served(&server, "/plans.html", |b| {
        b.contains("panel-flow.png") && b.contains("hb-build-error")
    });
    assert!(
        page.contains("The pages you are seeing have the problems below"),
        "{page}"
    );
    assert!(!page.contains("the last pages that built"), "{page}");
}
