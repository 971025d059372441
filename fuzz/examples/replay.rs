//! Runs saved inputs through a fuzz target's checks without libFuzzer, on a
//! stable toolchain: `cargo run --release --no-default-features --example
//! replay -- TARGET FILE_OR_DIR...`. Used to re-check a corpus or a crash file.

use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(target) = args.next() else {
        eprintln!(
            "usage: replay front_matter|override_parse|page_pipeline|sanitize|differential FILE_OR_DIR..."
        );
        std::process::exit(2);
    };
    let run: fn(&[u8]) = match target.as_str() {
        "front_matter" => handbook_fuzz::front_matter,
        "override_parse" => handbook_fuzz::override_parse,
        "page_pipeline" => handbook_fuzz::page_pipeline,
        "sanitize" => handbook_fuzz::sanitize,
        "differential" => handbook_fuzz::differential,
        other => {
            eprintln!("no target `{other}`");
            std::process::exit(2);
        }
    };
    let mut count = 0;
    for arg in args {
        let path = Path::new(&arg);
        let files: Vec<_> = if path.is_dir() {
            std::fs::read_dir(path)
                .expect("a readable folder")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect()
        } else {
            vec![path.to_path_buf()]
        };
        for file in files {
            run(&std::fs::read(&file).expect("a readable file"));
            count += 1;
        }
    }
    println!("{count} inputs ran through {target} without a finding");
}
