//! `handbook update-model`: takes the model guidance built into this
//! Handbook into a root, and prints, for a policy lead, what changed in the
//! model and what of the council's own now needs a review.
//!
//! Prints only: what counts as a local edit, what is due and what is
//! written are decided by [`handbook::pipeline::model_update`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use handbook::model::shipped::{self, FINGERPRINTS_FILE};
use handbook::pipeline::model_changes::{ModelChanges, PageChange, SectionChangeKind};
use handbook::pipeline::model_update::{
    self, AuthorityReviews, Due, LocalEdit, LocalEditKind, ModelUpdate, Refused, UpdateRequest,
};
use handbook::stages::overlay::drift::Review;

use super::args::UpdateModel;
use super::print::{counted, print_human, print_out, say};

/// Runs `handbook update-model`.
pub fn run(args: UpdateModel) -> ExitCode {
    let root = args
        .folder
        .or(args.root)
        .unwrap_or_else(|| PathBuf::from("."));
    let request = UpdateRequest {
        root: root.clone(),
        model: shipped::built_in_files(),
        write: !args.dry_run,
        discard_local_edits: args.discard_local_edits,
    };
    match model_update::update_model(&request) {
        Ok(update) => {
            print_update(&root, &update);
            ExitCode::SUCCESS
        }
        Err(refused) => {
            print_refused(&root, &refused);
            ExitCode::FAILURE
        }
    }
}

/// `handbook update-model` with the same root, for hints.
fn command(root: &Path, rest: &str) -> String {
    let shown = root.display().to_string();
    if shown == "." {
        format!("handbook update-model{rest}")
    } else {
        format!("handbook update-model {shown}{rest}")
    }
}

fn print_refused(root: &Path, refused: &Refused) {
    match refused {
        Refused::NotARoot(dir) => {
            say(&format!(
                "error: {} is not a handbook root: it has no content/ and local-overrides/ folders",
                dir.display()
            ));
            say("  hint: give the folder `handbook init` made, such as `handbook update-model council-handbook`");
        }
        Refused::BadRecord(problem) => {
            print_human(std::slice::from_ref(problem));
            say(&format!(
                "content/{FINGERPRINTS_FILE} is written by Handbook: put it back as it was (`git checkout content/{FINGERPRINTS_FILE}`) and run the command again."
            ));
        }
        Refused::Io(e) => say(&format!("error: {e}")),
        Refused::LocalEdits { edits, recorded } => print_local_edits(root, edits, *recorded),
    }
    say("Nothing was written.");
}

fn print_local_edits(root: &Path, edits: &[LocalEdit], recorded: bool) {
    if recorded {
        say("error: the model was not updated: content/ has changes made in this root, which the new model would overwrite");
    } else {
        say("error: the model was not updated: this root has no record of which model guidance its content/ holds \
             (it was made by an older Handbook, or copied by hand), so Handbook cannot tell an older model from changes made here");
        say("  these files differ from the model guidance in this Handbook:");
    }
    for edit in edits {
        let what = match (edit.kind, recorded) {
            (LocalEditKind::Changed, true) => {
                "changed here: its text differs from the model it was given"
            }
            (LocalEditKind::Changed, false) => "its text differs from this Handbook's model",
            (LocalEditKind::Added, _) => "added here: the model has no such file",
            (LocalEditKind::Deleted, _) => "deleted here: it is a file of the model",
        };
        say(&format!("  {}: {what}", edit.file));
    }
    let keep = "keep each change you want as an override (in local-overrides/<authority>/overrides/) or a \
                local page (in local-overrides/<authority>/pages/): Handbook keeps those across model updates \
                and tells you when the model changes under them";
    if recorded {
        say(&format!(
            "  hint: the model's own files are not meant to be edited. First {keep}; `git diff content/` shows your changes \
             if the root is in git. Then run `{}` to replace these files with the new model.",
            command(root, " --discard-local-edits")
        ));
    } else {
        say(&format!(
            "  hint: if none of these files holds a change of your own (you took an older model by copying it), run `{}`. \
             If some do, first {keep}.",
            command(root, " --discard-local-edits")
        ));
    }
}

/// How the root's `content/` folder is named to the reader.
fn content_of(root: &Path) -> String {
    match root.display().to_string().as_str() {
        "." => "content/".to_string(),
        shown => format!("{}/content/", shown.trim_end_matches('/')),
    }
}

fn print_update(root: &Path, update: &ModelUpdate) {
    let shown = content_of(root);
    let ours = format!("model {}", update.after.short());
    if update.current {
        print_out(&format!(
            "{shown} already holds the model guidance in this Handbook ({ours}). Nothing to do.\n"
        ));
        return;
    }
    let nothing_changes = update.files == Default::default();
    if nothing_changes {
        print_out(&format!(
            "{shown} holds the model guidance in this Handbook ({ours}); {}\n",
            if update.written {
                format!("its record, content/{FINGERPRINTS_FILE}, was written, so a later update can tell it from your changes.")
            } else {
                format!("it has no record of it yet (content/{FINGERPRINTS_FILE}). Nothing was written (--dry-run).")
            }
        ));
        return;
    }
    let theirs = match &update.before {
        Some(before) => format!("model {}, written by {}", before.short(), before.written_by),
        None => "no record of which model".to_string(),
    };
    print_out(&format!(
        "The model guidance in this Handbook ({ours}) differs from the one in {shown} ({theirs}).\n"
    ));
    print_changes(&update.changes, &update.kept);
    print_reviews(root, &update.reviews);
    print_files(root, update);
}

fn print_changes(changes: &ModelChanges, kept: &[String]) {
    print_out("\nWhat changed in the model guidance\n");
    if changes.is_empty() {
        print_out("  Nothing a reader sees: only how its files are written.\n");
    }
    if !changes.added.is_empty() {
        print_out("  New pages:\n");
        for p in &changes.added {
            print_out(&format!(
                "    {}  “{}” ({})\n",
                p.id,
                p.title,
                counted(p.words, "word")
            ));
        }
    }
    if !changes.removed.is_empty() {
        print_out("  Pages the model no longer has (their files are deleted from content/):\n");
        for p in &changes.removed {
            print_out(&format!(
                "    {}  “{}” ({})\n",
                p.id,
                p.title,
                counted(p.words, "word")
            ));
        }
    }
    if !changes.changed.is_empty() {
        print_out("  Changed pages:\n");
        for change in &changes.changed {
            print_page_change(change);
        }
    }
    for (name, before, after) in &changes.details {
        print_out(&format!(
            "  The model's {name} (content/handbook.yaml): “{before}”, now “{after}”\n"
        ));
    }
    for setting in kept {
        print_out(&format!(
            "  Kept: your own setting in content/handbook.yaml, {}\n",
            setting.trim_end()
        ));
    }
}

fn words(before: usize, after: usize) -> String {
    if before == after {
        counted(after, "word")
    } else {
        format!("{}, now {after}", counted(before, "word"))
    }
}

fn print_page_change(change: &PageChange) {
    let page = &change.page;
    print_out(&format!(
        "    {}  “{}” ({})\n",
        page.id,
        page.title,
        words(change.words_before, page.words)
    ));
    if let Some(title) = &change.title_before {
        print_out(&format!("      its title was “{title}”\n"));
    }
    if change.opening_changed {
        print_out("      the text before its first heading changed\n");
    }
    for s in &change.sections {
        let what = match s.kind {
            SectionChangeKind::Changed => format!("changed ({})", words(s.words.0, s.words.1)),
            SectionChangeKind::Added => format!("new ({})", counted(s.words.1, "word")),
            SectionChangeKind::Removed => format!("removed ({})", counted(s.words.0, "word")),
        };
        print_out(&format!("      section {} “{}”: {what}\n", s.id, s.title));
    }
    if change.details_only {
        print_out(
            "      only its details changed (such as its summary or review dates), not its text\n",
        );
    }
}

fn describe(due: &Due) -> String {
    let why = match due.review {
        Review::Never => "never reviewed",
        _ => match due.action {
            None => "the English it translates changed",
            Some(_) => "the model text under it changed",
        },
    };
    match due.action {
        Some("note") => format!("{}: your note on {} ({why})", due.file, due.of),
        Some(action) => format!("{}: `{action}` of {} ({why})", due.file, due.of),
        None => format!("{}: translation of {} ({why})", due.file, due.of),
    }
}

fn print_reviews(root: &Path, reviews: &[AuthorityReviews]) {
    print_out("\nWhat now needs your review\n");
    let root_flag = match root.display().to_string().as_str() {
        "." => String::new(),
        shown => format!(" --root {shown}"),
    };
    if reviews
        .iter()
        .all(|r| r.due_now.is_empty() && r.problems.is_empty())
    {
        print_out("  Nothing: no override, note or translation is of text this update changes.\n");
    }
    for r in reviews {
        if r.due_now.is_empty() && r.problems.is_empty() && r.waiting.is_empty() {
            continue;
        }
        print_out(&format!("  {} ({}):\n", r.name, r.slug));
        for due in &r.due_now {
            print_out(&format!("    {}\n", describe(due)));
        }
        if !r.problems.is_empty() {
            print_out(&format!(
                "    {} with the new model (shown below): the edition will not build until they are fixed\n",
                counted(r.problems.len(), "error")
            ));
        }
        if !r.waiting.is_empty() {
            print_out("    already waiting for a review before this update:\n");
            for due in &r.waiting {
                print_out(&format!("      {}\n", describe(due)));
            }
        }
        if let Some(first) = r.due_now.first().or(r.waiting.first()) {
            print_out(&format!(
                "    `handbook check{root_flag} --authority {slug}` shows each change (- was, + now); once you have read it \
                 and updated your file if it needs it, record your review: `handbook accept {slug} {}{root_flag}`\n",
                first.accept_name,
                slug = r.slug,
            ));
        }
        print_human(&r.problems);
    }
}

fn print_files(root: &Path, update: &ModelUpdate) {
    let files = &update.files;
    let mut parts = Vec::new();
    for (list, word) in [
        (&files.changed, "changed"),
        (&files.added, "added"),
        (&files.removed, "deleted"),
    ] {
        if !list.is_empty() {
            parts.push(format!("{word}: {}", list.join(", ")));
        }
    }
    print_out(&format!(
        "\nFiles of content/ {}\n  {}\n",
        if update.written {
            "written"
        } else {
            "this update writes"
        },
        parts.join("\n  ")
    ));
    if !update.discarded.is_empty() {
        let edited: Vec<&str> = update.discarded.iter().map(|e| e.file.as_str()).collect();
        print_out(&format!(
            "  Replaced, with the changes made in them here (--discard-local-edits): {}\n",
            edited.join(", ")
        ));
    }
    if update.written {
        print_out(&format!(
            "content/{FINGERPRINTS_FILE} now records the new model. Nothing outside content/ was changed: your \
             local-overrides/ are as they were.\n"
        ));
    } else {
        print_out(&format!(
            "Nothing was written (--dry-run). To take this model: `{}`\n",
            command(root, "")
        ));
    }
}
