//! The CI recipes are safe to copy: no job that a pull request (merge request) runs gets the
//! account password, forks are skipped with a message, and tagoform is installed as a
//! pinned release of this very version.

use yaml_serde::Value;

fn recipe(name: &str) -> (String, Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/ci")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    let value = yaml_serde::from_str(&text).unwrap();
    (text, value)
}

/// Everything a job's definition says, as text (its `if`/`rules`, `env`/`variables`, steps).
fn job_text(job: &Value) -> String {
    yaml_serde::to_string(job).unwrap()
}

const PASSWORD: &str = "TAGOIO_PASSWORD";

#[test]
fn github_pull_request_jobs_never_get_the_password_and_forks_are_skipped() {
    let (text, workflow) = recipe("github-actions.yml");
    let top = job_text(&workflow["env"]);
    assert!(
        !top.contains(PASSWORD) && !top.contains("TAGOIO_EMAIL"),
        "{top}"
    );
    let jobs = workflow["jobs"].as_mapping().unwrap();
    let mut pull_request_jobs = 0;
    for (name, job) in jobs {
        let condition = job["if"].as_str().unwrap_or_default();
        if condition.contains("pull_request") {
            pull_request_jobs += 1;
            assert!(
                !job_text(job).contains(PASSWORD),
                "{name:?} runs for pull requests and names the password"
            );
            assert!(job["environment"].is_null(), "{name:?}");
        }
    }
    assert_eq!(pull_request_jobs, 2, "the plan and the fork notice");
    let plan = &workflow["jobs"]["plan"];
    assert!(plan["if"]
        .as_str()
        .unwrap()
        .contains("github.event.pull_request.head.repo.full_name == github.repository"));
    let fork = &workflow["jobs"]["fork"];
    assert!(fork["if"]
        .as_str()
        .unwrap()
        .contains("github.event.pull_request.head.repo.full_name != github.repository"));
    assert!(job_text(fork).contains("::notice"));
    // The password goes only to the apply job, through its environment's secrets.
    let apply = &workflow["jobs"]["apply"];
    assert_eq!(apply["environment"].as_str(), Some("tagoio"));
    assert!(job_text(apply).contains(PASSWORD));
    // The header lists it once; the apply job's `env` names it and its secret.
    assert_eq!(text.matches(PASSWORD).count(), 1 + 2);
    assert_pinned_install(&text, workflow["env"]["TAGOFORM_VERSION"].as_str());
}

#[test]
fn gitlab_merge_request_jobs_never_get_the_password_and_forks_are_skipped() {
    let (text, pipeline) = recipe("gitlab-ci.yml");
    let top = job_text(&pipeline["variables"]);
    assert!(!top.contains(PASSWORD), "{top}");
    let mut merge_request_jobs = 0;
    for (name, job) in pipeline.as_mapping().unwrap() {
        let rules = job_text(&job["rules"]);
        if rules.contains("merge_request_event") {
            merge_request_jobs += 1;
            assert!(
                !job_text(job).contains(PASSWORD),
                "{name:?} runs for merge requests and names the password"
            );
        }
    }
    assert_eq!(merge_request_jobs, 2, "the plan and the fork notice");
    let plan_rules = job_text(&pipeline["plan"]["rules"]);
    assert!(plan_rules.contains("$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID"));
    assert_eq!(
        pipeline["plan"]["variables"]["TAGOIO_TOKEN"].as_str(),
        Some("$TAGOIO_READ_TOKEN")
    );
    let fork_rules = job_text(&pipeline["fork"]["rules"]);
    assert!(fork_rules.contains("$CI_MERGE_REQUEST_SOURCE_PROJECT_ID != $CI_PROJECT_ID"));
    assert!(job_text(&pipeline["fork"]).contains("skipped"));
    // The header says the password is a protected variable.
    assert!(
        text.contains("TAGOIO_PASSWORD     apply lock, creating account tokens     (protected)")
    );
    assert_pinned_install(&text, pipeline["variables"]["TAGOFORM_VERSION"].as_str());
}

/// Every install is `cargo install --locked tagoform@<version>`, the version this crate has.
fn assert_pinned_install(text: &str, version: Option<&str>) {
    assert_eq!(version, Some(env!("CARGO_PKG_VERSION")));
    let installs: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("cargo install"))
        .collect();
    assert!(!installs.is_empty());
    for line in installs {
        assert!(
            line.contains("cargo install --locked \"tagoform@$TAGOFORM_VERSION\""),
            "{line}"
        );
    }
    assert!(!text.contains("--git"), "no install from a git URL");
}
