//! Saved plans: `plan --out FILE` then `apply --plan FILE` applies exactly what was reviewed,
//! and refuses, before any write, when a plan made now differs from it in any operation.

use serde_json::json;

use super::support::world::*;

/// Quickstart applied, then its network's description changed in the YAML.
async fn reviewed_change(world: &World) -> (String, String, String) {
    let Quickstart {
        path,
        token,
        network,
        ..
    } = world.quickstart_applied().await;
    world.edit(
        "quickstart/tagoform.yaml",
        "description: Private LoRaWAN network server of ACME",
        "description: ACME's LoRaWAN network server",
    );
    (path, token, network)
}

/// Writes `yaml` as the configuration, saves its plan (which has changes) to `saved.json`,
/// and returns the saved plan's text.
async fn saved_plan(world: &World, yaml: &str) -> String {
    world.write("tagoform.yaml", yaml);
    world
        .run(&["plan", "--out", "saved.json", "--detailed-exitcode"])
        .await
        .code(2);
    world.read("saved.json")
}

#[tokio::test]
async fn a_saved_plan_is_refused_when_what_it_touches_changed_since() {
    let world = World::start().await;
    let (path, token, network) = reviewed_change(&world).await;
    let plan = world
        .run(&["plan", &path, "--out", "plan.json", "--detailed-exitcode"])
        .await;
    plan.code(2);
    let update = format!("update network `acme-lorawan` named \"ACME LoRaWAN\" ({network})");
    assert!(
        plan.stdout
            .starts_with(&format!("Profile acme:\n  ~ {update}")),
        "{}",
        plan.stdout
    );

    // Someone edits the network by hand after the review.
    world
        .api
        .put(
            &format!("/integration/network/{network}"),
            &token,
            json!({"description": "Edited by hand"}),
        )
        .await
        .result();
    let (refused, requests) = world
        .measured(&["apply", "--plan", "plan.json", "--auto-approve"])
        .await;
    refused.code(4);
    assert_eq!(refused.stdout, "");
    assert_eq!(
        refused.stderr,
        format!(
            "error: saved plan is stale: TagoIO changed since the plan was made; nothing was \
             applied (run `tagoform plan` again and review the difference):\n  changed since the \
             review: {update}\n"
        )
    );
    assert_eq!(writes(&requests), sign_ins(1));
    assert_eq!(
        world.objects(&token, "network", &["description"]).await,
        json!([{"description": "Edited by hand"}])
    );
}

#[tokio::test]
async fn a_saved_plan_applies_only_while_a_plan_made_now_is_the_same() {
    let world = World::start().await;
    let (path, token, network) = reviewed_change(&world).await;
    let plan = world.run(&["plan", &path, "--out", "plan.json"]).await;
    plan.code(0);
    // After the review: the YAML changes again, and an unrelated share goes by hand.
    world.edit(
        "quickstart/tagoform.yaml",
        "description: ACME's LoRaWAN network server",
        "description: Something not reviewed",
    );
    let connector = world.object_id(&token, "connector", "ACME TH Sensor").await;
    world
        .api
        .delete(
            &format!("/integration/connector/{connector}/share/{GLOBEX}"),
            &token,
        )
        .await
        .result();

    // The saved plan holds what apply needs: a path is neither needed nor allowed (a usage
    // error: 1, never `plan --detailed-exitcode`'s 2).
    let both = world
        .run(&["apply", &path, "--plan", "plan.json", "--auto-approve"])
        .await;
    both.code(1);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );

    // A plan made now also re-shares the connector: an operation nobody reviewed.
    let (refused, requests) = world
        .measured(&["apply", "--plan", "plan.json", "--auto-approve"])
        .await;
    refused.code(4);
    assert_eq!(
        refused.stderr,
        format!(
            "error: saved plan is stale: TagoIO changed since the plan was made; nothing was \
             applied (run `tagoform plan` again and review the difference):\n  called for now, \
             not reviewed: share connector `acme-th-sensor` with `partner` ({GLOBEX})\n"
        )
    );
    assert_eq!(writes(&requests), sign_ins(1));

    // Put back by hand: the plan made now is the reviewed one again, and it is applied.
    world
        .api
        .post(
            &format!("/integration/connector/{connector}/share"),
            &token,
            json!({"profile_id": GLOBEX}),
        )
        .await
        .result();
    let (apply, requests) = world
        .measured(&["apply", "--plan", "plan.json", "--auto-approve"])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 1));
    assert_eq!(
        writes(&requests),
        apply_writes(1, &[("PUT /integration/network/{id}", 1)])
    );
    assert_eq!(
        world
            .objects(&token, "network", &["id", "description"])
            .await,
        json!([{"id": network, "description": "ACME's LoRaWAN network server"}])
    );
    assert_eq!(
        world.objects(&token, "connector", &["shared_with"]).await,
        json!([{"shared_with": [GLOBEX]}])
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_saved_plan_is_refused() {
    let world = World::start().await;
    world.write("plan.json", "{\"format_version\": 1, \"operations\": []}");
    let (run, requests) = world
        .measured(&["apply", "--plan", "plan.json", "--auto-approve"])
        .await;
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "error: `plan.json` is not a plan saved by `tagoform plan --out` of this version\n  caused by: "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(requests, counts(&[]));
}

#[tokio::test]
async fn a_saved_plan_keeps_its_targets_and_refuses_new_ones() {
    let world = World::start().await;
    let path = world.multi_customer_without_allocation();
    let plan = world
        .run(&["plan", &path, "--target", "initech", "--out", "plan.json"])
        .await;
    plan.code(0);
    let (refused, requests) = world
        .measured(&[
            "apply",
            "--plan",
            "plan.json",
            "--target",
            "acme",
            "--auto-approve",
        ])
        .await;
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: --target cannot be used with --plan: a saved plan is applied with the targets it \
         was made with (`tagoform plan --target ... --out FILE`)\n"
    );
    assert_eq!(requests, counts(&[]));
    let apply = world
        .run(&["apply", "--plan", "plan.json", "--auto-approve"])
        .await;
    apply.code(0);
    assert_eq!(apply.stdout, finished(&plan.stdout, 6));
}

#[tokio::test]
async fn a_saved_plan_of_another_format_is_refused_before_anything_is_read() {
    let world = World::start().await;
    let saved = saved_plan(
        &world,
        "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    team: [bob@acme.example]\n",
    )
    .await;
    world.write(
        "saved.json",
        &saved.replacen(
            "\"saved_format_version\": 3",
            "\"saved_format_version\": 1",
            1,
        ),
    );
    let (run, requests) = world
        .measured(&["apply", "--plan", "saved.json", "--auto-approve"])
        .await;
    run.code(4);
    assert_eq!(
        run.stderr,
        "error: `saved.json` is a saved plan of format 1 (plan format 3); this tagoform applies \
         format 3 (plan format 3) only: plan again with it; nothing was changed\n"
    );
    assert_eq!(requests, Counts::new());
}

/// The configuration inside a saved plan is checked as YAML would be: a crafted one cannot
/// manage a token named like the apply lock.
#[tokio::test]
async fn a_saved_plan_whose_configuration_is_not_valid_is_refused_before_anything_is_read() {
    let world = World::start().await;
    let saved = saved_plan(&world, "version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    tokens:\n      - {name: ci, permission: read, expires: never}\n").await;
    assert!(saved.contains("\"name\": \"ci\""));
    world.write(
        "saved.json",
        &saved.replace(
            "\"name\": \"ci\"",
            "\"name\": \"tagoform (apply lock) 1 by x@y\"",
        ),
    );
    let (run, requests) = world
        .measured(&[
            "apply",
            "--plan",
            "saved.json",
            "--auto-approve",
            "--tokens-out",
            "t.json",
        ])
        .await;
    run.code(4);
    assert_eq!(
        run.stderr,
        "error: `saved.json` holds a configuration that is not valid, so it was not made by \
         `tagoform plan --out`; nothing was changed:\n  token names starting with `tagoform (` \
         are tagoform's own (its short-lived tokens and the apply lock): `tagoform (apply lock) \
         1 by x@y`\n"
    );
    assert_eq!(requests, Counts::new());

    world.write(
        "saved.json",
        &saved.replace("\"name\": \"ci\"", "\"name\": \" \""),
    );
    let (run, requests) = world
        .measured(&["apply", "--plan", "saved.json", "--auto-approve"])
        .await;
    run.code(4);
    assert_eq!(
        run.stderr,
        "error: `saved.json` holds a configuration that is not valid, so it was not made by \
         `tagoform plan --out`; nothing was changed:\n  a token of profile `acme` has an empty \
         name\n"
    );
    assert_eq!(requests, Counts::new());
}

/// `tagoform show` prints a saved plan byte for byte as `plan` printed it when it saved it,
/// in each format and split by a baseline, and sends no request.
#[tokio::test]
async fn show_prints_a_saved_plan_as_plan_printed_it_without_the_network() {
    let world = World::start().await;
    let (path, _, _) = reviewed_change(&world).await;
    // The target branch's configuration: the reviewed change plus a team the account lacks,
    // so that the plan splits into what the change causes and drift already there.
    let baseline = world.read("quickstart/tagoform.yaml").replace(
        "description: ACME's LoRaWAN network server",
        "description: Private LoRaWAN network server of ACME",
    );
    world.write("baseline/tagoform.yaml", &baseline);
    world.edit(
        "quickstart/tagoform.yaml",
        "      - alice@acme.example\n",
        "      - alice@acme.example\n      - bob@acme.example\n",
    );
    let markdown: &[&str] = &["--format", "markdown"];
    // (what plan is given besides --out, what show is given besides the file)
    let cases: [(&[&str], &[&str]); 5] = [
        (&["--format", "text"], &["--format", "text"]),
        (&["--format", "json"], &["--format", "json"]),
        (markdown, markdown),
        (
            &["--format", "markdown", "--max-chars", "300"],
            &["--format", "markdown", "--max-chars", "300"],
        ),
        (
            &["--format", "markdown", "--baseline", "baseline"],
            markdown,
        ),
    ];
    for (n, (plan_options, show_options)) in cases.into_iter().enumerate() {
        let saved = format!("plan-{n}.json");
        let planned = world
            .run(
                &[
                    &["plan", path.as_str(), "--out", saved.as_str()],
                    plan_options,
                ]
                .concat(),
            )
            .await;
        planned.code(0);
        let before = world.stats().await;
        let shown = world
            .run_as_given(&[&["show", saved.as_str()], show_options].concat())
            .await;
        shown.code(0);
        assert_eq!(
            (shown.stdout.as_str(), shown.stderr.as_str()),
            (planned.stdout.as_str(), ""),
            "{plan_options:?}"
        );
        assert_eq!(world.stats().await, before, "show sends no request");
    }
    assert!(world.read("plan-4.json").contains("\"caused_by_change\""));

    // What is not a saved plan is an error (1), not a refusal.
    world.write("not-a-plan.json", "{}");
    let refused = world.run_as_given(&["show", "not-a-plan.json"]).await;
    refused.code(1);
    assert!(
        refused
            .stderr
            .starts_with("error: `not-a-plan.json` is not a plan saved by `tagoform plan --out`"),
        "{}",
        refused.stderr
    );
}
