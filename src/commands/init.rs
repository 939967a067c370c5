//! `tagoform init [DIR] --ci github|gitlab`: the files a configuration repository starts with.
//! Everything is checked before anything is written, and no existing file is overwritten
//! (`.gitignore` only gains the `.tagoform/` line it lacks).
//!
//! Exit codes: 0 written, 1 error (a file exists already: nothing was written).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

use crate::cli::{CiPlatform, InitArgs};
use crate::export::SCHEMA_FILE;

/// The folder the recipes read the configuration from (their `CONFIG`).
const CONFIG_DIR: &str = "tagoio";

/// A configuration that manages nothing yet, with the shape of what it can manage.
const STARTER: &str = "# yaml-language-server: $schema=tagoform.schema.json
#
# The TagoIO account as tagoform manages it; every *.yaml file in this folder is merged.
# Only what is written here is managed: as it is, this file changes nothing on TagoIO.
#
# To adopt an account as it is now, replace this folder by an export of it:
#   rm -r tagoio && tagoform export --out tagoio --token-env-prefix TAGOIO_TOKEN_ --api https://api.tago.io
version: 1

profiles: {}
# profiles:
#   acme:                               # the key other entries use for this profile
#     name: ACME                        # its live name
#     token_env: TAGOIO_TOKEN_ACME      # the CI variable holding a token of this profile
#     team: [alice@acme.example]        # the complete team; left out = not managed
#     tokens:                           # managed by name; unlisted tokens are left alone
#       - {name: ci-deploy, permission: write, expires: never}
#
# networks:
#   acme-lorawan:
#     profile: acme
#     name: ACME LoRaWAN
#     shared_with: []                   # profile keys, or ids under external_profiles
#
# connectors:
#   acme-sensor:
#     profile: acme
#     name: ACME Sensor
#     networks: [acme-lorawan]
#     payload_decoder_file: decoders/acme-sensor.js
";

const GITIGNORE_LINE: &str = ".tagoform/";

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let (recipe_path, recipe) = match args.ci {
        CiPlatform::Github => (
            ".github/workflows/tagoform.yml",
            include_str!("../../examples/ci/github-actions.yml"),
        ),
        CiPlatform::Gitlab => (
            ".gitlab-ci.yml",
            include_str!("../../examples/ci/gitlab-ci.yml"),
        ),
    };
    let schema = crate::config::wire::schema_json();
    let config = format!("{CONFIG_DIR}/tagoform.yaml");
    let schema_path = format!("{CONFIG_DIR}/{SCHEMA_FILE}");
    let files: [(&str, &str); 3] = [
        (&config, STARTER),
        (&schema_path, &schema),
        (recipe_path, recipe),
    ];
    let root = &args.dir;
    let existing: Vec<String> = files
        .iter()
        .map(|(relative, _)| root.join(relative))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "init writes only new files, and these exist already: {}; nothing was written (move \
             them away, or start from `tagoform export` and examples/ci by hand)",
            existing.join(", ")
        );
    }
    let gitignore = root.join(".gitignore");
    let ignored = gitignore_has_line(&gitignore)?;
    for (relative, text) in files {
        write_new(&root.join(relative), text)?;
    }
    if !ignored {
        append_line(&gitignore, GITIGNORE_LINE)?;
    }
    if !super::quiet() {
        print!(
            "{}",
            next_steps(root, &files.map(|(path, _)| path), ignored, args.ci)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `.gitignore` already ignores `.tagoform/` (a missing file does not).
fn gitignore_has_line(path: &Path) -> anyhow::Result<bool> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .any(|line| matches!(line.trim(), ".tagoform" | ".tagoform/" | "/.tagoform/"))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
    }
    // `create_new`: a file made between the check and now is not overwritten either.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .with_context(|| format!("cannot write `{}`", path.display()))
}

fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    let existing = std::fs::read(path).unwrap_or_default();
    let separator = if existing.is_empty() || existing.ends_with(b"\n") {
        ""
    } else {
        "\n"
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(format!("{separator}{line}\n").as_bytes()))
        .with_context(|| format!("cannot write `{}`", path.display()))
}

fn next_steps(root: &Path, written: &[&str], ignored: bool, ci: CiPlatform) -> String {
    let shown = |relative: &str| -> PathBuf { root.join(relative) };
    let mut text = String::from("Wrote:\n");
    for relative in written {
        text.push_str(&format!("  {}\n", shown(relative).display()));
    }
    if !ignored {
        text.push_str(&format!(
            "  {} (ignores {GITIGNORE_LINE}: the local emulator's state)\n",
            shown(".gitignore").display()
        ));
    }
    let config = shown(CONFIG_DIR);
    let config = config.display();
    let secrets = match ci {
        CiPlatform::Github => {
            "the repository secrets and the `tagoio` environment (restricted to the default \
             branch) that the recipe's header lists"
        }
        CiPlatform::Gitlab => {
            "the CI/CD variables that the recipe's header lists (the password protected and \
             scoped to the `tagoio-apply` environment)"
        }
    };
    text.push_str(&format!(
        "Next:
  1. Try it on the embedded emulator: tagoform plan {config} --api local
  2. Describe your account in {config}/, or adopt it as it is now:
       rm -r {config} && tagoform export --out {config} --token-env-prefix TAGOIO_TOKEN_ --api https://api.tago.io
  3. Create {secrets} (docs/ci.md),
     then commit, push a branch and open a pull request.
"
    ));
    text
}
