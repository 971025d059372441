//! The hot stages of a build, timed in memory (nothing is written):
//! `cargo bench`. A plain harness, so it needs nothing beyond Handbook's own
//! dependencies; each case prints its median, fastest and slowest time.
//!
//! 1. overlay + link + render of the real model: every shipped edition;
//! 2. render of 1,000 generated pages in 20 folders (one edition, already
//!    linked);
//! 3. the link check of those 1,000 pages;
//! 4. the search index of those 1,000 pages (Pagefind), measured apart,
//!    and of the real model, and of no pages (Pagefind's fixed cost);
//! 5. a one-page edit under the preview (`pipeline::Preview`, as `serve`
//!    runs it) at 1,000 and 10,000 pages: save to pages handed over.
//!
//! The whole-site comparison with other tools is `bench/run.sh`.

use std::path::Path;
use std::time::{Duration, Instant};

use handbook::model::theme::{Engine, TemplateFiles, Theme};
use handbook::stages::load::{load, Selection};
use handbook::support::diagnostic::Diagnostics;
use handbook::{stages::link, stages::overlay, stages::render};

// The allocator the `handbook` binary uses.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Whether this is `cargo bench` (which passes `--bench`). Under `cargo test
/// --all-targets` every case runs once, on fewer pages, only to show that it
/// still runs; nothing it prints is a measurement.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn bench(name: &str, runs: usize, mut work: impl FnMut()) {
    let runs = if measuring() { runs } else { 1 };
    work();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name}: median {:.2} ms (fastest {:.2} ms, slowest {:.2} ms, {runs} runs)",
        times[runs / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[runs - 1].as_secs_f64() * 1000.0,
    );
}

/// Deterministic words: a small linear congruential generator over syllables.
struct Words(u64);

impl Words {
    fn word(&mut self) -> String {
        const SYLLABLES: &[&str] = &[
            "ca", "re", "plan", "sup", "port", "as", "sess", "ment", "per", "son", "bud", "get",
            "risk", "safe", "guard", "view", "out", "come", "fam", "ily", "ser", "vice", "team",
        ];
        let mut word = String::new();
        for _ in 0..2 + self.next() % 2 {
            word.push_str(SYLLABLES[(self.next() % SYLLABLES.len() as u64) as usize]);
        }
        word
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn paragraph(&mut self, n: usize) -> String {
        let words: Vec<String> = (0..n).map(|_| self.word()).collect();
        format!("{}.", words.join(" "))
    }
}

/// 1,000 pages of about 1,000 words in 20 folders, each with headings, a
/// list, a table and three cross-references (like `bench/corpus.py`).
fn generate(root: &Path, pages: usize) {
    let mut w = Words(7);
    let write = |path: &Path, text: String| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let content = root.join("content");
    write(
        &content.join("_index.md"),
        "---\nid: home\ntitle: Benchmark\nweight: 0\n---\nHome.\n".into(),
    );
    for s in 0..20 {
        write(
            &content.join(format!("s{s:02}/_index.md")),
            format!(
                "---\nid: s{s:02}\ntitle: Section {s}\nweight: {s}\n---\n{}\n",
                w.paragraph(50)
            ),
        );
    }
    for i in 0..pages {
        let refs = [
            (i * 7 + 1) % pages,
            (i * 13 + 5) % pages,
            (i * 31 + 11) % pages,
        ];
        let mut body = String::new();
        body.push_str(&format!(
            "{}\n\n## Overview {{#overview}}\n\n",
            w.paragraph(150)
        ));
        body.push_str(&format!(
            "{} See [[p{:05}]].\n\n",
            w.paragraph(200),
            refs[0]
        ));
        for _ in 0..5 {
            body.push_str(&format!("- {}\n", w.paragraph(8)));
        }
        body.push_str(&format!(
            "\n## Practice {{#practice}}\n\n{} Also [[p{:05}]].\n\n",
            w.paragraph(250),
            refs[1]
        ));
        body.push_str("| Task | Who | When |\n| --- | --- | --- |\n");
        for _ in 0..5 {
            body.push_str(&format!("| {} | {} | {} |\n", w.word(), w.word(), w.word()));
        }
        body.push_str(&format!(
            "\n### Checklist\n\n{} Compare [[p{:05}]].\n",
            w.paragraph(300),
            refs[2]
        ));
        write(
            &content.join(format!("s{:02}/p{i:05}.md", i * 20 / pages)),
            format!("---\nid: p{i:05}\ntitle: Page {i}\nweight: {i}\n---\n{body}"),
        );
    }
}

fn main() {
    let today = jiff::civil::Date::constant(2026, 11, 24);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. The real model and the shipped authorities.
    let diagnostics = Diagnostics::new();
    let sources = load(repo, &Selection::All, &diagnostics);
    let theme = Theme::load(&sources.root, &sources.theme_dir, &diagnostics);
    let engines: Vec<Engine> = std::iter::once(None)
        .chain(sources.authorities.iter().map(Some))
        .map(|a| {
            let local = match a {
                Some(a) => TemplateFiles::authority(&sources.root, &a.dir, &diagnostics),
                None => TemplateFiles::default(),
            };
            Engine::new(&theme, &local, &diagnostics).expect("the theme compiles")
        })
        .collect();
    let editions = 1 + sources.authorities.len();
    bench(
        &format!("real model: overlay + link + render, {editions} editions"),
        30,
        || {
            let diagnostics = Diagnostics::new();
            for (i, engine) in engines.iter().enumerate() {
                let edition = match i {
                    0 => overlay::model_edition(&sources.model, &diagnostics),
                    _ => overlay::authority_edition(
                        &sources.model,
                        &sources.authorities[i - 1],
                        &diagnostics,
                    ),
                };
                let linked = link::link(edition, &diagnostics);
                let files = render::render(&linked, engine, &theme.statics, today, &diagnostics);
                std::hint::black_box(files);
            }
        },
    );

    // The search index of one edition of the real model, and of no pages at
    // all (what every edition pays, whatever its size).
    let diagnostics = Diagnostics::new();
    let model = link::link(
        overlay::model_edition(&sources.model, &diagnostics),
        &diagnostics,
    );
    let model_files = render::render(&model, &engines[0], &theme.statics, today, &diagnostics);
    bench("search index of the model edition (Pagefind)", 20, || {
        std::hint::black_box(
            handbook::site::search::index(&model_files).expect("the index builds"),
        );
    });
    bench(
        "search index of no pages (Pagefind's fixed cost)",
        20,
        || {
            std::hint::black_box(handbook::site::search::index(&[]).expect("the index builds"));
        },
    );

    // 2. to 4. 1,000 generated pages.
    let pages = if measuring() { 1000 } else { 50 };
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), pages);
    let diagnostics = Diagnostics::new();
    let sources = load(dir.path(), &Selection::All, &diagnostics);
    let theme = Theme::load(&sources.root, &sources.theme_dir, &diagnostics);
    let engine =
        Engine::new(&theme, &TemplateFiles::default(), &diagnostics).expect("the theme compiles");
    let linked = link::link(
        overlay::model_edition(&sources.model, &diagnostics),
        &diagnostics,
    );
    assert!(!diagnostics.has_errors(), "the generated pages link");
    bench(&format!("render {pages} generated pages"), 10, || {
        let files = render::render(&linked, &engine, &theme.statics, today, &diagnostics);
        std::hint::black_box(files);
    });
    let files = render::render(&linked, &engine, &theme.statics, today, &diagnostics);
    bench(
        &format!("link check of {pages} generated pages"),
        10,
        || {
            std::hint::black_box(handbook::site::linkcheck::check("bench", &files, &[], None));
        },
    );
    bench(
        &format!("search index of {pages} generated pages (Pagefind)"),
        3,
        || {
            std::hint::black_box(handbook::site::search::index(&files).expect("the index builds"));
        },
    );

    // 5. A one-page edit under the preview, as `serve` makes it.
    let sizes: &[usize] = if measuring() { &[1000, 10_000] } else { &[50] };
    for &pages in sizes {
        preview_edit(pages);
    }
}

/// Times saves of one page's text under a [`handbook::pipeline::Preview`]
/// of `pages` generated pages, from the save to the pages handed over.
fn preview_edit(pages: usize) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), pages);
    let mut preview = handbook::pipeline::Preview::new(dir.path().to_path_buf(), None);
    preview
        .build(None, &mut |_| {})
        .expect("the generated pages build");
    let page = dir.path().join("content/s00/p00001.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let runs = if measuring() { 15 } else { 1 };
    let mut times: Vec<Duration> = (0..runs)
        .map(|n| {
            std::fs::write(&page, format!("{text}\nEdit {n}.\n")).unwrap();
            let started = Instant::now();
            let mut served = None;
            let saved = [page.clone()];
            preview
                .build(Some(&saved), &mut |step| {
                    if matches!(step, handbook::pipeline::Step::Pages(..)) {
                        served = Some(started.elapsed());
                    }
                })
                .expect("the edit builds");
            served.expect("the pages were handed over")
        })
        .collect();
    times.sort();
    println!(
        "preview: one-page edit of {pages} generated pages, save to pages handed over: median {:.2} ms (fastest {:.2} ms, slowest {:.2} ms, {runs} runs)",
        times[runs / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[runs - 1].as_secs_f64() * 1000.0,
    );
}
