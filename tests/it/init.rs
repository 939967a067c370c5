//! `tagoform init`: a configuration repository's first files, which validate as they are,
//! and never a file overwritten.

use std::path::Path;
use std::process::Command;

fn init(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .arg("init")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn repository_file(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

/// Every file below `dir`, with its bytes, to show that a refused init wrote nothing.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn init_writes_a_configuration_that_validates_and_the_github_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = init(dir.path(), &["repo", "--ci", "github"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "Wrote:
  repo/tagoio/tagoform.yaml
  repo/tagoio/tagoform.schema.json
  repo/.github/workflows/tagoform.yml
  repo/.gitignore (ignores .tagoform/: the local emulator's state)
Next:
  1. Try it on the embedded emulator: tagoform plan repo/tagoio --api local
  2. Describe your account in repo/tagoio/, or adopt it as it is now:
       rm -r repo/tagoio && tagoform export --out repo/tagoio --token-env-prefix TAGOIO_TOKEN_ --api https://api.tago.io
  3. Create the repository secrets and the `tagoio` environment (restricted to the default branch) that the recipe's header lists (docs/ci.md),
     then commit, push a branch and open a pull request.
"
    );
    let repo = dir.path().join("repo");
    assert_eq!(
        std::fs::read_to_string(repo.join(".github/workflows/tagoform.yml")).unwrap(),
        repository_file("examples/ci/github-actions.yml")
    );
    // The editor's schema, beside the file whose first line names it.
    assert_eq!(
        std::fs::read_to_string(repo.join("tagoio/tagoform.schema.json")).unwrap(),
        repository_file("schemas/tagoform.schema.json")
    );
    let config = std::fs::read_to_string(repo.join("tagoio/tagoform.yaml")).unwrap();
    assert!(config.starts_with("# yaml-language-server: $schema=tagoform.schema.json\n"));
    assert_eq!(
        std::fs::read_to_string(repo.join(".gitignore")).unwrap(),
        ".tagoform/\n"
    );
    let validate = Command::new(env!("CARGO_BIN_EXE_tagoform"))
        .args(["validate", "--strict"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(validate.status.success(), "{validate:?}");
    assert_eq!(
        String::from_utf8_lossy(&validate.stdout),
        "Valid: 1 file, 0 profiles, 0 networks, 0 connectors.\n"
    );

    // A second init overwrites nothing, and says what is in the way.
    let before = tree(dir.path());
    let (code, stdout, stderr) = init(dir.path(), &["repo", "--ci", "github"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: init writes only new files, and these exist already: repo/tagoio/tagoform.yaml, \
         repo/tagoio/tagoform.schema.json, repo/.github/workflows/tagoform.yml; nothing was \
         written (move them away, or start from `tagoform export` and examples/ci by hand)\n"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn init_for_gitlab_keeps_an_existing_gitignore_and_refuses_an_existing_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/target").unwrap();
    let (code, _, stderr) = init(dir.path(), &["--ci", "gitlab"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n.tagoform/\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitlab-ci.yml")).unwrap(),
        repository_file("examples/ci/gitlab-ci.yml")
    );

    // A project that has a pipeline already: nothing is written, not even the configuration.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join(".gitlab-ci.yml"), "stages: [test]\n").unwrap();
    std::fs::write(other.path().join(".gitignore"), ".tagoform/\n").unwrap();
    let before = tree(other.path());
    let (code, _, stderr) = init(other.path(), &["--ci", "gitlab"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: init writes only new files, and these exist already: ./.gitlab-ci.yml;"
        ),
        "{stderr}"
    );
    assert_eq!(tree(other.path()), before);
}
