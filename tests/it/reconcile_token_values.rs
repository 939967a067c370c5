//! Not one token value lost: a new token whose value cannot be written to `--tokens-out` is
//! removed again at once (the token whose value was saved stays the one in use), no further
//! token is made in that apply, and the next apply, once the file can be written, makes the
//! token again with its value saved. Proven on a real full filesystem (a 64 KiB tmpfs) and
//! with the file replaced half way through an apply.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::Value;

use super::support::world::*;

/// A 64 KiB tmpfs mounted at a folder of the world, unmounted when dropped; `None` (with a
/// message) where this process may not mount, as outside a root container.
struct SmallDisk {
    at: PathBuf,
}

impl SmallDisk {
    fn mount(world: &World, name: &str) -> Option<Self> {
        let at = world.path(name);
        std::fs::create_dir_all(&at).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&at)
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(SmallDisk { at }),
            other => {
                eprintln!("skipped: cannot mount a tmpfs here (needs root): {other:?}");
                None
            }
        }
    }

    /// Writes zeros until the filesystem has no room left.
    fn fill(&self) {
        let mut chunk = 0;
        while std::fs::write(self.at.join(format!("fill-{chunk}")), vec![0u8; 4096]).is_ok() {
            chunk += 1;
        }
        // Small files may still fit in the last block: fill it byte by byte.
        while std::fs::write(self.at.join(format!("fill-{chunk}")), [0u8]).is_ok() {
            chunk += 1;
        }
    }

    fn free(&self) {
        for entry in std::fs::read_dir(&self.at).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fill-")
            {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.at).status();
    }
}

fn yaml(tokens: &[(&str, &str)]) -> String {
    let mut text =
        String::from("version: 1\nprofiles:\n  acme:\n    name: ACME Production\n    tokens:\n");
    for (name, permission) in tokens {
        text.push_str(&format!(
            "      - {{name: {name}, permission: {permission}, expires: never}}\n"
        ));
    }
    text
}

/// The live tokens of ACME Production named in `names`: (name, value, permission), sorted.
async fn live_tokens(world: &World, names: &[&str]) -> Vec<(String, String, String)> {
    let path = format!(
        "/profile/{ACME}/token?amount=1000&fields[0]=name&fields[1]=token&fields[2]=permission"
    );
    let answer = world.api.get(&path, DEMO).await;
    let mut tokens: Vec<(String, String, String)> = answer
        .result()
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| names.contains(&t["name"].as_str().unwrap()))
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (s("name"), s("token"), s("permission"))
        })
        .collect();
    tokens.sort();
    tokens
}

/// (name, value) of each entry of a tokens file.
fn saved(path: &Path) -> Vec<(String, String)> {
    let entries: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("name"), s("token"))
        })
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[tokio::test]
async fn a_replacement_whose_value_cannot_be_saved_keeps_the_saved_token() {
    let world = World::start().await;
    let Some(disk) = SmallDisk::mount(&world, "small") else {
        return;
    };
    let file = world.path("small/t.json");
    world.write("tagoform.yaml", &yaml(&[("ci", "read")]));
    world.applied(".", &["--tokens-out", "small/t.json"]).await;
    let [(_, first)] = saved(&file).try_into().unwrap();
    assert_eq!(
        live_tokens(&world, &["ci"]).await,
        owned(&[("ci", &first, "read")])
    );

    disk.fill();
    world.write("tagoform.yaml", &yaml(&[("ci", "full")]));
    let failed = world
        .run(&["apply", "--auto-approve", "--tokens-out", "small/t.json"])
        .await;
    failed.code(3);
    assert!(
        failed.stderr.contains(
            "its value could not be saved to --tokens-out, so the new token was removed again \
             and TagoIO holds what it held before; fix the file or free the space, then apply \
             again"
        ),
        "{}",
        failed.stderr
    );
    // The token whose value was saved is still the one, and the file still holds it.
    assert_eq!(
        live_tokens(&world, &["ci"]).await,
        owned(&[("ci", &first, "read")])
    );
    assert_eq!(saved(&file), [("ci".to_owned(), first.clone())]);

    disk.free();
    world.applied(".", &["--tokens-out", "small/t.json"]).await;
    let [_, (_, second)] = saved(&file).try_into().unwrap();
    assert_eq!(
        live_tokens(&world, &["ci"]).await,
        owned(&[("ci", &second, "full")])
    );
    world.assert_no_changes().await;
}

#[tokio::test]
async fn after_a_value_that_cannot_be_saved_no_further_token_is_made() {
    let world = World::start().await;
    let Some(disk) = SmallDisk::mount(&world, "small") else {
        return;
    };
    let names = ["a", "b", "c", "d"];
    world.write("tagoform.yaml", &yaml(&names.map(|name| (name, "read"))));
    disk.fill();
    // One operation at a time: the first failed save is known before any other token is asked for.
    let (failed, requests) = world
        .measured(&[
            "apply",
            "--auto-approve",
            "--tokens-out",
            "small/t.json",
            "--parallelism",
            "1",
        ])
        .await;
    failed.code(3);
    // One token made (and removed again), besides the lock's and the sign-in's.
    assert_eq!(
        writes(&requests),
        apply_writes(
            1,
            &[
                ("POST /profile/{id}/token", 1),
                ("DELETE /profile/{id}/token/{token}", 2)
            ]
        )
    );
    assert_eq!(
        failed
            .stderr
            .matches("not made: the value of a token made before it")
            .count(),
        3,
        "{}",
        failed.stderr
    );
    assert_eq!(live_tokens(&world, &names).await, []);
    assert!(!world.path("small/t.json").exists());

    disk.free();
    world.applied(".", &["--tokens-out", "small/t.json"]).await;
    let values = saved(&world.path("small/t.json"));
    let live: Vec<(String, String, String)> = values
        .iter()
        .map(|(name, value)| (name.clone(), value.clone(), "read".to_owned()))
        .collect();
    let mut live_sorted = live.clone();
    live_sorted.sort();
    assert_eq!(live_tokens(&world, &names).await, live_sorted);
    assert_eq!(values.len(), 4);
    world.assert_no_changes().await;
}

/// The tokens file replaced half way through an apply (by a copy readable by others): the
/// token made after that is removed again, none after it is made.
#[tokio::test]
async fn a_tokens_file_replaced_during_the_apply_stops_token_creation() {
    let mut world = World::start().await;
    let names = ["a", "b", "c"];
    world.write("tagoform.yaml", &yaml(&names.map(|name| (name, "read"))));
    // The first is the apply lock's token, the second `a`'s: `b` is held.
    let door = FaultyDoor::pausing(&world.api, Method::POST, "/profile/{id}/token", 3).await;
    world.url = door.url.clone();
    let apply = world.command(&[
        "apply",
        "--auto-approve",
        "--tokens-out",
        "t.json",
        "--parallelism",
        "1",
        "--api",
        &world.url,
    ]);
    // The first token's value is saved; someone copies the file over itself, readable by all.
    let replace = async {
        let file = world.path("t.json");
        let text = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    };
    let (code, _, stderr) = door.run_paused(apply, replace).await;
    assert_eq!(code, Some(3), "{stderr}");
    let [(first_name, first)] = saved(&world.path("t.json")).try_into().unwrap();
    assert_eq!(
        live_tokens(&world, &names).await,
        owned(&[(&first_name, &first, "read")])
    );
    assert_eq!(
        stderr.matches("so the new token was removed again").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("not made: ").count(), 1, "{stderr}");
    let posts = door
        .writes()
        .iter()
        .filter(|(method, path, _)| method == "POST" && path.starts_with("/profile/"))
        .count();
    assert_eq!(posts, 3, "the lock's, `a`'s and `b`'s");
}
