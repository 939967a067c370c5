//! docs/ci.md's walk from an account to the first green pull request, as the plan job runs
//! it: export with `--token-env-prefix`, then plan what was exported with read tokens only,
//! no password and `CI` set. It must plan `No changes` and write nothing.

use serde_json::json;

use super::support::world::*;

/// A `read` token of the profile named `name`, made with the demo account's password, as a
/// person makes the CI secrets once.
async fn read_token_of(world: &World, name: &str) -> String {
    let id = world.profile_id(name).await;
    let body =
        json!({"name": "ci-plan", "permission": "read", "email": EMAIL, "password": PASSWORD});
    let answer = world
        .api
        .post(&format!("/profile/{id}/token"), DEMO, body)
        .await;
    answer.result()["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_export_with_token_env_prefix_plans_no_changes_with_read_tokens_only() {
    let mut world = World::start().await;
    let quickstart = world.example("quickstart");
    world
        .run(&["apply", &quickstart, "--auto-approve"])
        .await
        .code(0);

    let export = world
        .run(&[
            "export",
            "--out",
            "tagoio",
            "--token-env-prefix",
            "TAGOIO_TOKEN_",
        ])
        .await;
    export.code(0);
    let profiles = [
        ("ACME", "acme", "TAGOIO_TOKEN_ACME"),
        (
            "ACME Production",
            "acme-production",
            "TAGOIO_TOKEN_ACME_PRODUCTION",
        ),
        ("ACME Staging", "acme-staging", "TAGOIO_TOKEN_ACME_STAGING"),
    ];
    let mut table = String::from(
        "Create one CI secret per profile, named as its token_env, holding a token of that \
         profile:\npermission `read` for plan and drift jobs, `full` for the apply job \
         (docs/ci.md).\n",
    );
    for (name, key, variable) in profiles {
        table.push_str(&format!("  {variable:28}  profile `{key}` ({name})\n"));
        assert!(
            world.read(&format!("tagoio/{key}.yaml")).contains(&format!(
                "\n  {key}:\n    name: {name}\n    token_env: {variable}\n"
            )),
            "{key}"
        );
    }
    assert!(export.stderr.ends_with(&table), "{}", export.stderr);

    // The plan job: a read token of each profile, a read account token, nothing else.
    let mut secrets = std::collections::BTreeMap::new();
    for (name, _, variable) in profiles {
        secrets.insert(variable.to_owned(), read_token_of(&world, name).await);
    }
    let account = read_token_of(&world, "ACME Production").await;
    world.env = secrets;
    world.env.insert("TAGOIO_TOKEN".into(), account);
    world.env.insert("CI".into(), "true".into());
    let (plan, requests) = world
        .measured(&["plan", "tagoio", "--detailed-exitcode"])
        .await;
    plan.code(0);
    let pending = "Notes:\n  • acme: the invitation of alice@acme.example is pending since \
                   2027-03-01, expires 2027-03-08; not sent again\n\n";
    assert_eq!(
        (plan.stdout.as_str(), plan.stderr.as_str()),
        (format!("{NO_CHANGES}{pending}").as_str(), "")
    );
    assert_eq!(writes(&requests), Counts::new());
}
