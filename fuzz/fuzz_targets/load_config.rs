//! Any bytes as a configuration file: loading and validating must end, with diagnostics,
//! never a panic, and render every diagnostic. A case that fails belongs in
//! tests/fixtures/hardening/corpus/ (first line `# valid` or `# invalid`), where
//! `cargo test` keeps it as a regression test.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

/// One private folder per fuzzing process; the loader reads files, not bytes.
fn folder() -> &'static PathBuf {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("tagoform-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        path
    })
}

fuzz_target!(|data: &[u8]| {
    let folder = folder();
    std::fs::write(folder.join("tagoform.yaml"), data).expect("write the case");
    let options = tagoform::config::LoadOptions {
        // A fixed day, so that a case behaves the same on every day it is replayed.
        today: NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date"),
    };
    let loaded = tagoform::config::load_with(folder, &options).expect("the folder exists");
    assert_eq!(loaded.desired.is_some(), !loaded.has_errors());
    let mut rendered = Vec::new();
    tagoform::config::diagnostic::write_text(&mut rendered, &loaded.diagnostics)
        .expect("diagnostics render");
});
