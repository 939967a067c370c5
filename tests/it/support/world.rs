//! Shared helpers of the end-to-end `plan`/`apply` tests: an emulator on 127.0.0.1:0 (from
//! `super::emulator`) with its clock frozen, a temporary working folder, the real binary run
//! in it against the emulator, exact request counts around each run, and read-backs of the
//! live state. Fault injection lives in `super::door`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use reqwest::Method;
use serde_json::{json, Value};

pub use super::door::{Fault, FaultMode, FaultyDoor};
pub use super::emulator::*;
use super::snapshots::assert_snapshot;
use tagoform::emulator::seed::{DEMO_EMAIL, DEMO_PASSWORD};
pub use tagoform::emulator::seed::{DEMO_STAGING_PROFILE_ID, PARTNER_LABS_PROFILE_ID};

pub const EMAIL: &str = DEMO_EMAIL;
pub const PASSWORD: &str = DEMO_PASSWORD;
pub use super::clock::NOW;
pub const STAGING: &str = DEMO_STAGING_PROFILE_ID;
pub const GLOBEX_LABS: &str = PARTNER_LABS_PROFILE_ID;
/// What `plan` and `apply` print when TagoIO matches the configuration.
pub const NO_CHANGES: &str = "No changes. TagoIO matches the configuration.\n";

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing both streams when it differs.
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stdout ends with `tail`, showing it when it does not.
    pub fn stdout_ends_with(&self, tail: &str) -> &Self {
        assert!(self.stdout.ends_with(tail), "{}", self.stdout);
        self
    }

    /// Asserts that stdout starts with `head`, showing it when it does not.
    pub fn stdout_starts_with(&self, head: &str) -> &Self {
        assert!(self.stdout.starts_with(head), "{}", self.stdout);
        self
    }
}

/// Requests by `METHOD /route/{template}`, as the emulator counts them.
pub type Counts = BTreeMap<String, u64>;

/// The requests that are not reads.
pub fn writes(counts: &Counts) -> Counts {
    counts
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(route, count)| (route.clone(), *count))
        .collect()
}

/// Builds a `Counts` from pairs, for exact comparisons.
pub fn counts(pairs: &[(&str, u64)]) -> Counts {
    pairs.iter().map(|(r, n)| (r.to_string(), *n)).collect()
}

/// The short-lived profile token that tagoform obtains and removes, `n` times: the only
/// writes a run makes on a profile without `token_env` when nothing changes.
pub fn sign_ins(n: u64) -> Counts {
    counts(&[
        ("DELETE /profile/{id}/token/{token}", n),
        ("POST /account/profile/token", n),
    ])
}

/// `counts` and the writes of the apply lock (`src/lock/`): its token made, then removed.
pub fn with_lock(counts: Counts) -> Counts {
    add(
        counts,
        &[
            ("DELETE /profile/{id}/token/{token}", 1),
            ("POST /profile/{id}/token", 1),
        ],
    )
}

/// `counts` and every request of the apply lock: the profile list that finds the lock
/// profile and the token list that shows no other holder, besides [`with_lock`]'s writes.
pub fn with_lock_reads(counts: Counts) -> Counts {
    add(
        with_lock(counts),
        &[("GET /profile", 1), ("GET /profile/{id}/token", 1)],
    )
}

/// The writes of an apply that signs in `n` times and takes the apply lock, besides
/// `changes`. A route of `changes` counts as given, also where it is a sign-in's own (a
/// token the plan removes is deleted on the sign-in's route): the sign-ins' count of it is
/// replaced, not added to; the lock's is added.
pub fn apply_writes(n: u64, changes: &[(&str, u64)]) -> Counts {
    let mut expected = sign_ins(n);
    expected.extend(counts(changes));
    with_lock(expected)
}

/// What `apply` prints when all `done` operations of `plan` succeeded: the plan, then the
/// summary.
pub fn finished(plan: &str, done: u32) -> String {
    format!("{plan}Apply finished: {done} done, 0 failed, 0 skipped.\n")
}

/// `counts` with `more` added.
pub fn add(mut counts: Counts, more: &[(&str, u64)]) -> Counts {
    for (route, n) in more {
        *counts.entry((*route).to_owned()).or_default() += n;
    }
    counts
}

/// An emulator, a working folder, and the environment the binary runs with.
pub struct World {
    pub api: Api,
    pub dir: tempfile::TempDir,
    pub env: BTreeMap<String, String>,
    /// Where the binary is pointed (`--api`): the emulator, or a faulty front door.
    pub url: String,
}

impl World {
    /// The demo seed, no limits, clock frozen at [`NOW`].
    pub async fn start() -> Self {
        Self::on(Api::start().await).await
    }

    pub async fn on(api: Api) -> Self {
        api.freeze(NOW).await;
        let env = [
            ("TAGOIO_TOKEN", DEMO),
            ("TAGOIO_EMAIL", EMAIL),
            ("TAGOIO_PASSWORD", PASSWORD),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let url = api.emulator.url();
        World {
            api,
            dir: tempfile::tempdir().unwrap(),
            env,
            url,
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Copies `examples/<name>` into the working folder; returns its relative path.
    pub fn example(&self, name: &str) -> String {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        copy_dir(&from, &self.path(name));
        name.to_owned()
    }

    /// Copies `examples/multi-customer` without its `allocation:` blocks: for tests of
    /// `--target`, where one customer's allocation alone does not fit beside the demo
    /// account's first profile, which starts with all of the account's limits.
    pub fn multi_customer_without_allocation(&self) -> String {
        let path = self.example("multi-customer");
        let file = format!("{path}/profiles.yaml");
        let mut kept = Vec::new();
        let mut inside: Option<usize> = None;
        let text = self.read(&file);
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            if inside.is_some_and(|at| indent > at || line.trim().is_empty()) {
                continue;
            }
            inside = None;
            if line.trim_start().starts_with("allocation:") {
                inside = Some(indent);
                continue;
            }
            kept.push(line);
        }
        self.write(&file, &(kept.join("\n") + "\n"));
        path
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// Replaces `from` (which must occur) by `to` in a file of the working folder.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "`{from}` not in {relative}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// Runs `tagoform <args> --api <url>` in the working folder, with no terminal.
    pub async fn run(&self, args: &[&str]) -> Run {
        let mut args = args.to_vec();
        args.extend(["--api", &self.url]);
        self.run_as_given(&args).await
    }

    /// `tagoform <args>` in the working folder, with no terminal, with the world's
    /// environment and none of the caller's TAGOIO_* variables (nor its `CI`).
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        self.command_of(env!("CARGO_BIN_EXE_tagoform"), args)
    }

    /// `program <args>` run as [`World::command`] runs the binary.
    pub fn command_of(&self, program: &str, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (name, _) in std::env::vars_os() {
            let inherited = name.to_string_lossy().into_owned();
            if inherited.starts_with("TAGOIO_")
                || [
                    "TAGOFORM_LOG",
                    "NO_COLOR",
                    "CLICOLOR",
                    "CLICOLOR_FORCE",
                    "RUST_LOG",
                    "CI",
                ]
                .contains(&inherited.as_str())
            {
                command.env_remove(&name);
            }
        }
        command.envs(&self.env);
        command
    }

    /// Runs `tagoform <args>` in the working folder, with no terminal and no `--api` added.
    pub async fn run_as_given(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().await.unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Starts `tagoform <args> --api <url>` in the working folder and returns the child, to
    /// be killed by the test.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        let mut args = args.to_vec();
        args.extend(["--api", &self.url]);
        let mut command = self.command(&args);
        command.stdout(Stdio::null()).stderr(Stdio::null());
        command.spawn().unwrap()
    }

    /// Runs the binary and returns what it did with the requests it made, exactly.
    pub async fn measured(&self, args: &[&str]) -> (Run, Counts) {
        let before = self.stats().await;
        let run = self.run(args).await;
        let after = self.stats().await;
        let delta = after
            .into_iter()
            .filter_map(|(route, n)| {
                let d = n - before.get(&route).copied().unwrap_or(0);
                (d > 0).then_some((route, d))
            })
            .collect();
        (run, delta)
    }

    pub async fn stats(&self) -> Counts {
        let answer = self.api.admin(Method::GET, "/stats", None).await;
        serde_json::from_value(answer.result()["requests"].clone()).unwrap()
    }

    /// The ids of the demo account's profiles with this name.
    pub async fn profile_ids(&self, name: &str) -> Vec<String> {
        let answer = self.api.get("/profile", DEMO).await;
        answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == json!(name) && p["from_share"] != json!(true))
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The one demo profile with this name.
    pub async fn profile_id(&self, name: &str) -> String {
        let ids = self.profile_ids(name).await;
        assert_eq!(ids.len(), 1, "profiles named {name}: {ids:?}");
        ids[0].clone()
    }

    /// A token of a demo profile (the demo token for ACME Production, else a sign-in).
    pub async fn token_of(&self, profile_id: &str) -> String {
        if profile_id == ACME {
            return DEMO.to_owned();
        }
        self.api.sign_in(EMAIL, PASSWORD, profile_id).await
    }

    /// The networks or connectors of the token's profile with these fields, by name: its own
    /// and those shared with it, without TagoIO's public catalog (`filter[public]`).
    /// `shared_with`, which no TagoIO list carries, is read from each object's share list.
    pub async fn objects(&self, token: &str, kind: &str, fields: &[&str]) -> Value {
        let shares = fields.contains(&"shared_with");
        let with_id = fields.contains(&"id");
        let mut asked: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| *f != "shared_with")
            .collect();
        if shares && !asked.contains(&"id") {
            asked.push("id");
        }
        let query: String = asked
            .iter()
            .enumerate()
            .map(|(i, f)| format!("&fields[{i}]={f}"))
            .collect();
        let path =
            format!("/integration/{kind}?amount=1000&orderBy=name,asc&filter[public]=false{query}");
        let mut objects = self.api.get(&path, token).await.result().clone();
        if shares {
            for object in objects.as_array_mut().unwrap() {
                let id = object["id"].as_str().unwrap().to_owned();
                object["shared_with"] = json!(self.shares(token, kind, &id).await);
                if !with_id {
                    object.as_object_mut().unwrap().remove("id");
                }
            }
        }
        objects
    }

    /// The profiles a network or connector is shared with, sorted (its share list).
    pub async fn shares(&self, token: &str, kind: &str, id: &str) -> Vec<String> {
        let answer = self
            .api
            .get(&format!("/integration/{kind}/{id}/share"), token)
            .await;
        let mut ids: Vec<String> = answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|share| share["profile_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// The team of a profile as (email, active) pairs, by email (invitations sent
    /// concurrently at one frozen instant have no other order).
    pub async fn team(&self, profile_id: &str) -> Vec<(String, bool)> {
        let answer = self
            .api
            .get(&format!("/profile/{profile_id}/team"), DEMO)
            .await;
        let mut team: Vec<(String, bool)> = answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["email"].as_str().unwrap().to_owned(),
                    m["active"].as_bool().unwrap(),
                )
            })
            .collect();
        team.sort();
        team
    }

    /// The account tokens of a profile as (name, permission, type) triples, oldest first.
    pub async fn tokens(&self, profile_id: &str) -> Vec<(String, String, String)> {
        let path = format!(
            "/profile/{profile_id}/token?amount=1000&orderBy=created_at,asc&fields[0]=name&fields[1]=permission&fields[2]=type"
        );
        let answer = self.api.get(&path, DEMO).await;
        answer
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let s = |k: &str| t[k].as_str().unwrap().to_owned();
                (s("name"), s("permission"), s("type"))
            })
            .collect()
    }

    /// The names of the account tokens (type `account`) of these profiles, sorted.
    pub async fn account_token_names(&self, profile_ids: &[&str]) -> Vec<String> {
        let mut names = Vec::new();
        for profile_id in profile_ids {
            let tokens = self.tokens(profile_id).await.into_iter();
            names.extend(tokens.filter(|t| t.2 == "account").map(|t| t.0));
        }
        names.sort();
        names
    }

    /// Accepts the newest invitation of `email`, as the invited person does: with the
    /// accept button of its notification. (The notification names the profile; the newest
    /// one is the invitation the test just had sent.)
    pub async fn accept(&self, email: &str) {
        self.api.answer_invitation(email, "accept").await.result();
    }

    /// Points the binary at a front door of the same emulator that injects `faults`.
    pub async fn faulty(&mut self, faults: Vec<Fault>) -> FaultyDoor {
        let door = FaultyDoor::open(&self.api, faults).await;
        self.url = door.url.clone();
        door
    }
}

/// Copies a folder tree (a fixture or an example) into a working folder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `examples/quickstart` as applied by [`World::quickstart_applied`].
pub struct Quickstart {
    /// Its folder, as the binary is given it.
    pub path: String,
    /// The id of its profile `acme`.
    pub acme: String,
    /// A token of that profile.
    pub token: String,
    /// The id of its network.
    pub network: String,
    /// The id of its connector.
    pub connector: String,
}

impl World {
    /// Applies `path` (with `extra` flags) and expects every operation to succeed.
    pub async fn applied(&self, path: &str, extra: &[&str]) {
        let mut args = vec!["apply", path, "--auto-approve"];
        args.extend_from_slice(extra);
        let run = self.run(&args).await;
        run.code(0);
        assert!(
            run.stdout.contains(", 0 failed, 0 skipped.\n") || run.stdout.starts_with("No changes"),
            "{}",
            run.stdout
        );
    }

    /// `plan --detailed-exitcode` of the working folder finds nothing to do: exit code 0 and
    /// exactly [`NO_CHANGES`].
    pub async fn assert_no_changes(&self) {
        let plan = self.run(&["plan", "--detailed-exitcode"]).await;
        plan.code(0);
        assert_eq!(plan.stdout, NO_CHANGES);
    }

    /// `plan --detailed-exitcode` of the working folder shows exactly the snapshot `name`
    /// (with `ids` as their placeholders, see [`assert_snapshot`]), with exit code 2: there
    /// are changes to make. Returns what it printed.
    pub async fn assert_plan_snapshot(&self, name: &str, ids: &[(&'static str, &str)]) -> String {
        let plan = self.run(&["plan", "--detailed-exitcode"]).await;
        plan.code(2);
        assert_snapshot(&plan.stdout, name, ids);
        plan.stdout
    }

    /// `plan <path> --detailed-exitcode` finds nothing to do: exit code 0 and a report that
    /// starts with [`NO_CHANGES`] (its notes may follow).
    pub async fn assert_no_changes_in(&self, path: &str) {
        let plan = self.run(&["plan", path, "--detailed-exitcode"]).await;
        plan.code(0);
        assert!(plan.stdout.starts_with(NO_CHANGES), "{}", plan.stdout);
    }

    /// Copies `examples/quickstart`, applies it, and reads back what it made.
    pub async fn quickstart_applied(&self) -> Quickstart {
        let path = self.example("quickstart");
        self.applied(&path, &[]).await;
        let acme = self.profile_id("ACME").await;
        let token = self.token_of(&acme).await;
        let network = self.object_id(&token, "network", "ACME LoRaWAN").await;
        let connector = self.object_id(&token, "connector", "ACME TH Sensor").await;
        Quickstart {
            path,
            acme,
            token,
            network,
            connector,
        }
    }

    /// The id of the one object of the token's profile with this name.
    pub async fn object_id(&self, token: &str, kind: &str, name: &str) -> String {
        let objects = self.objects(token, kind, &["id", "name"]).await;
        let ids: Vec<&Value> = objects
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["name"] == json!(name))
            .map(|o| &o["id"])
            .collect();
        assert_eq!(ids.len(), 1, "{kind}s named {name}: {objects}");
        ids[0].as_str().unwrap().to_owned()
    }
}
