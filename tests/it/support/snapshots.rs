//! Expected outputs kept as files under `tests/it/snapshots/`, compared with a diff. After a
//! deliberate change of output, `SNAPSHOTS=overwrite cargo test` rewrites them; review the
//! diff like code. Ids that differ from run to run (objects the test made) are written as
//! placeholders such as `[NETWORK]`; fixed seed ids stay as they are.

use std::path::PathBuf;

/// Compares `actual`, with each id of `ids` replaced by its placeholder, with the snapshot
/// `tests/it/snapshots/<name>.txt`.
pub fn assert_snapshot(actual: &str, name: &str, ids: &[(&'static str, &str)]) {
    let mut redactions = snapbox::Redactions::new();
    for (placeholder, value) in ids {
        redactions
            .insert(placeholder, value.to_string())
            .expect("a placeholder of the form [NAME] and a non-empty value");
    }
    let redacted = redactions.redact(actual);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(format!("{name}.txt"));
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(redacted, snapbox::Data::read_from(&path, None).raw());
}
