//! The CI recipes are safe to copy: the account password and the tokens that can write reach
//! only the job of the protected environment (GitHub: `tagoio`, GitLab: `tagoio-apply`), no
//! job that a pull request (merge request) runs names them, forks are skipped with a
//! message, and tagoform is installed as the pinned release of this very version, checked
//! against its published SHA-256. tests/ci-recipes/run.sh runs the same recipes on the
//! platforms' own tools; this reads their YAML.

use yaml_serde::Value;

fn read(path: &str) -> (String, Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(path).unwrap();
    let value = yaml_serde::from_str(&text).unwrap();
    (text, value)
}

fn recipe(name: &str) -> (String, Value) {
    read(&format!("examples/ci/{name}"))
}

/// Everything a job's definition says, as text (its `if`/`rules`, `env`/`variables`, steps).
fn job_text(job: &Value) -> String {
    yaml_serde::to_string(job).unwrap()
}

const VERSION: &str = env!("CARGO_PKG_VERSION");
const PASSWORD: &str = "TAGOIO_PASSWORD";

/// Whether a script runs tagoform: one of its lines is a `tagoform ...` command (a message
/// that names tagoform is not).
fn runs_tagoform(script: &str) -> bool {
    script
        .lines()
        .any(|line| line.trim_start().starts_with("tagoform "))
}

/// The names of the secrets (`${{ secrets.NAME }}`) a GitHub job reads (prose such as "no
/// secrets." names none).
fn github_secrets(job: &Value) -> Vec<String> {
    let text = job_text(job);
    let mut names: Vec<String> = text
        .split("secrets.")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .filter(|name: &String| !name.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn github_only_the_tagoio_environment_job_gets_the_password_and_the_writing_tokens() {
    let (text, workflow) = recipe("github-actions.yml");
    let top = job_text(&workflow["env"]);
    assert!(
        !top.contains("secrets."),
        "no secret at the workflow level: {top}"
    );
    // Secrets of the `tagoio` environment: a job that names one must be in that environment.
    let environment_only = [
        "TAGOIO_TOKEN",
        PASSWORD,
        "TAGOIO_EMAIL",
        "TAGOIO_TOTP_SECRET",
        "SECRETS_WRITER_TOKEN",
    ];
    let read_only = ["TAGOIO_READ_TOKEN"];
    let mut in_environment = Vec::new();
    for (name, job) in workflow["jobs"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let secrets = github_secrets(job);
        let environment = job["environment"].as_str();
        if environment.is_some() {
            assert_eq!(environment, Some("tagoio"), "{name}");
            in_environment.push(name);
        }
        for secret in &secrets {
            if environment_only.contains(&secret.as_str()) {
                assert_eq!(
                    environment,
                    Some("tagoio"),
                    "{name} reads {secret} outside the tagoio environment"
                );
            } else {
                assert!(
                    read_only.contains(&secret.as_str()),
                    "{name} reads {secret}"
                );
            }
        }
    }
    assert_eq!(in_environment, ["apply"]);
    let apply = &workflow["jobs"]["apply"];
    assert_eq!(
        github_secrets(apply),
        [
            "SECRETS_WRITER_TOKEN",
            "TAGOIO_EMAIL",
            PASSWORD,
            "TAGOIO_TOKEN",
            "TAGOIO_TOTP_SECRET"
        ]
    );
    assert_eq!(
        apply["if"].as_str(),
        Some("github.event_name == 'push' && github.ref == 'refs/heads/main'")
    );
    // The header says to restrict the environment to the default branch, and why.
    assert!(text.contains("Restrict the `tagoio` environment to the default branch"));
    assert!(text.contains("Selected branches and tags > add `main`"));
}

#[test]
fn github_pull_request_jobs_never_get_the_password_and_forks_are_skipped() {
    let (text, workflow) = recipe("github-actions.yml");
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
            let secrets = github_secrets(job);
            assert!(
                secrets.iter().all(|s| s == "TAGOIO_READ_TOKEN"),
                "{name:?}: {secrets:?}"
            );
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
    // The header lists it once; the apply job's `env` names it and its secret.
    assert_eq!(text.matches(PASSWORD).count(), 1 + 2);
}

#[test]
fn github_jobs_install_the_pinned_release_through_the_action() {
    let (text, workflow) = recipe("github-actions.yml");
    assert_eq!(workflow["env"]["TAGOFORM_VERSION"].as_str(), Some(VERSION));
    let action = format!("tagoform/tagoform@v{VERSION}");
    for (name, job) in workflow["jobs"].as_mapping().unwrap() {
        let Some(steps) = job["steps"].as_sequence() else {
            continue;
        };
        let runs = |step: &Value| runs_tagoform(step["run"].as_str().unwrap_or_default());
        let installs: Vec<&Value> = steps
            .iter()
            .filter(|step| {
                step["uses"]
                    .as_str()
                    .is_some_and(|uses| uses.starts_with("tagoform/tagoform@"))
            })
            .collect();
        if !steps.iter().any(runs) {
            assert!(installs.is_empty(), "{name:?}");
            continue;
        }
        assert_eq!(installs.len(), 1, "{name:?} installs tagoform once");
        assert_eq!(
            installs[0]["uses"].as_str(),
            Some(action.as_str()),
            "{name:?}"
        );
        assert_eq!(
            installs[0]["with"]["version"].as_str(),
            Some("${{ env.TAGOFORM_VERSION }}"),
            "{name:?}"
        );
        let install = steps
            .iter()
            .position(|step| step["uses"] == installs[0]["uses"])
            .unwrap();
        let first_use = steps.iter().position(runs).unwrap();
        assert!(install < first_use, "{name:?} installs before it runs");
    }
    assert!(!text.contains("cargo install"), "the action installs");
    assert!(!text.contains("--git"), "no install from a git URL");
}

/// The jobs of a GitLab pipeline: its top-level mappings that have a `script` of their own
/// or through `extends`, not the hidden templates (`.name`).
fn gitlab_jobs(pipeline: &Value) -> Vec<(&str, &Value)> {
    pipeline
        .as_mapping()
        .unwrap()
        .iter()
        .filter_map(|(name, job)| Some((name.as_str()?, job)))
        .filter(|(name, job)| {
            !name.starts_with('.') && (!job["script"].is_null() || !job["extends"].is_null())
        })
        .collect()
}

/// The secret CI/CD variables of the GitLab recipe: protected, and scoped to `tagoio-apply`.
const GITLAB_SCOPED: [&str; 5] = [
    PASSWORD,
    "TAGOIO_EMAIL",
    "TAGOIO_TOKEN",
    "TAGOIO_TOTP_SECRET",
    "GITLAB_API_TOKEN",
];

#[test]
fn gitlab_only_the_tagoio_apply_environment_job_gets_the_password_and_the_writing_tokens() {
    let (text, pipeline) = recipe("gitlab-ci.yml");
    let top = job_text(&pipeline["variables"]);
    for secret in GITLAB_SCOPED {
        assert!(!top.contains(secret), "{top}");
    }
    // Project variables scoped to `tagoio-apply` reach the jobs in that environment only:
    // the apply job, and no other job has an environment at all.
    let with_environment: Vec<&str> = gitlab_jobs(&pipeline)
        .into_iter()
        .filter(|(_, job)| !job["environment"].is_null())
        .map(|(name, _)| name)
        .collect();
    assert_eq!(with_environment, ["apply"]);
    let apply = &pipeline["apply"];
    assert_eq!(apply["environment"].as_str(), Some("tagoio-apply"));
    assert!(job_text(&apply["rules"])
        .contains("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == \"push\""));
    // Every other job that runs tagoform maps TAGOIO_TOKEN onto the read-only token, which a
    // scoped variable of that name never replaces outside tagoio-apply.
    for (name, job) in gitlab_jobs(&pipeline) {
        if name == "apply" {
            continue;
        }
        let job_yaml = job_text(job);
        assert!(
            !job_yaml.contains("GITLAB_API_TOKEN") && !job_yaml.contains(PASSWORD),
            "{name}"
        );
        if job["extends"].as_str() == Some(".tagoform") {
            assert_eq!(
                job["variables"]["TAGOIO_TOKEN"].as_str(),
                Some("$TAGOIO_READ_TOKEN"),
                "{name}"
            );
        }
    }
    // The variables apply stores are protected and scoped like the others.
    let script = job_text(&apply["script"]);
    assert!(script.contains("--data \"environment_scope=tagoio-apply\""));
    assert!(script.contains("--data \"protected=true\""));
    assert!(script.contains("filter%5Benvironment_scope%5D=tagoio-apply"));
    assert!(script.contains("PRIVATE-TOKEN: $GITLAB_API_TOKEN"));
    // The header gives each secret variable its protection and scope.
    for secret in GITLAB_SCOPED {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("#   {secret} ")))
            .unwrap_or_else(|| panic!("the header lists {secret}"));
        assert!(line.ends_with("tagoio-apply, protected"), "{line}");
    }
    for unscoped in ["TAGOIO_READ_TOKEN", "GITLAB_NOTE_TOKEN"] {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("#   {unscoped} ")))
            .unwrap();
        assert!(line.contains("not protected"), "{line}");
    }
    assert!(text.contains("role Reporter"));
    assert!(text.contains("role Maintainer"));
}

#[test]
fn gitlab_merge_request_jobs_never_get_the_password_and_forks_are_skipped() {
    let (_, pipeline) = recipe("gitlab-ci.yml");
    let mut merge_request_jobs = 0;
    for (name, job) in gitlab_jobs(&pipeline) {
        let rules = job_text(&job["rules"]);
        if rules.contains("merge_request_event") {
            merge_request_jobs += 1;
            assert!(
                !job_text(job).contains(PASSWORD),
                "{name:?} runs for merge requests and names the password"
            );
            assert!(job["environment"].is_null(), "{name:?}");
        }
    }
    assert_eq!(merge_request_jobs, 2, "the plan and the fork notice");
    let plan = &pipeline["plan"];
    let plan_rules = job_text(&plan["rules"]);
    assert!(plan_rules.contains("$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID"));
    assert_eq!(
        plan["variables"]["TAGOIO_TOKEN"].as_str(),
        Some("$TAGOIO_READ_TOKEN")
    );
    assert!(job_text(&plan["script"]).contains("PRIVATE-TOKEN: $GITLAB_NOTE_TOKEN"));
    let fork_rules = job_text(&pipeline["fork"]["rules"]);
    assert!(fork_rules.contains("$CI_MERGE_REQUEST_SOURCE_PROJECT_ID != $CI_PROJECT_ID"));
    assert!(job_text(&pipeline["fork"]).contains("skipped"));
}

#[test]
fn gitlab_script_lines_are_all_strings() {
    // A plain scalar holding ": " is a mapping: `- echo "a: b"` is not a command to GitLab.
    let (_, pipeline) = recipe("gitlab-ci.yml");
    for (name, job) in pipeline.as_mapping().unwrap() {
        for key in ["before_script", "script", "after_script"] {
            let Some(lines) = job[key].as_sequence() else {
                continue;
            };
            for line in lines {
                assert!(line.is_string(), "{name:?} {key}: {line:?}");
            }
        }
    }
}

#[test]
fn gitlab_jobs_install_the_pinned_release_checked_against_its_sha256() {
    let (text, pipeline) = recipe("gitlab-ci.yml");
    assert_eq!(
        pipeline["variables"]["TAGOFORM_VERSION"].as_str(),
        Some(VERSION)
    );
    let before: Vec<&str> = pipeline[".tagoform"]["before_script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    let install = before
        .iter()
        .find(|line| line.contains("releases/download"))
        .expect("a download of the release");
    assert!(install.starts_with("command -v tagoform > /dev/null || ("));
    assert!(install.contains(
        "url=\"https://github.com/tagoform/tagoform/releases/download/v$TAGOFORM_VERSION\""
    ));
    assert!(install.contains("archive=tagoform-x86_64-unknown-linux-musl.tar.gz"));
    assert!(install.contains("sha256sum -c \"$archive.sha256\""));
    let check = install.find("sha256sum -c").unwrap();
    assert!(
        check < install.find("tar -xzf").unwrap(),
        "checked before extracted"
    );
    assert!(install.contains("set -e"));
    for (name, job) in gitlab_jobs(&pipeline) {
        let script = job["script"].as_sequence().unwrap();
        if script
            .iter()
            .any(|line| runs_tagoform(line.as_str().unwrap()))
        {
            assert_eq!(job["extends"].as_str(), Some(".tagoform"), "{name}");
        }
    }
    assert!(!text.contains("cargo install"));
    assert!(!text.contains("--git"), "no install from a git URL");
}

/// The release's targets (release.yml), the ones action.yml maps runners to, and the archive
/// names both recipes download are one list, and the action installs this version.
#[test]
fn the_release_the_action_and_the_recipes_agree() {
    let (_, release) = read(".github/workflows/release.yml");
    let mut released: Vec<String> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|entry| entry["target"].as_str().unwrap().to_owned())
        .collect();
    released.sort();
    assert_eq!(
        released,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-musl",
        ]
    );
    assert_eq!(release["on"]["push"]["tags"][0].as_str(), Some("v*"));
    let publish = job_text(&release["jobs"]["publish"]);
    assert!(publish.contains("cargo publish --workspace --locked"));
    assert_eq!(
        release["jobs"]["publish"]["needs"].as_str(),
        Some("release")
    );

    let (action_text, action) = read("action.yml");
    assert_eq!(
        action["inputs"]["version"]["default"].as_str(),
        Some(VERSION)
    );
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for target in &released {
        assert!(
            action_text.contains(&format!(") target={target} ;;")),
            "action.yml maps a runner to {target}"
        );
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(action_text.contains(&format!("url=\"{repository}/releases/download/v$VERSION\"")));
    let (gitlab, _) = recipe("gitlab-ci.yml");
    assert!(gitlab.contains(&format!(
        "{repository}/releases/download/v$TAGOFORM_VERSION"
    )));
}
