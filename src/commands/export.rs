//! `tagoform export`: read the account, convert it (PURE, in [`crate::export`]), then print
//! one document or write one file per profile into a new or empty folder, renamed into place
//! only once every file is written.
//!
//! Exit codes: 0 exported (notes about what was left out go to stderr), 1 error.

use crate::environment::Environment;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::reconcile::{connect, runtime};
use crate::cli::ExportArgs;
use crate::config::Desired;
use crate::export::{self, Exported, Layout, Options, SCHEMA_FILE};

pub fn run(args: &ExportArgs, env: &Environment) -> anyhow::Result<ExitCode> {
    if let Some(out) = &args.out {
        check_empty(out)?;
    }
    let (snapshot, now) = runtime()?.block_on(async {
        let connected = connect(&Desired::default(), &args.api, args.parallelism, env).await?;
        if connected.access.credentials().is_none() {
            connected.close().await?;
            bail!(
                "export reads every profile's networks and connectors with a short-lived token: \
                 set TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_TOTP_SECRET or TAGOIO_PIN \
                 with two-factor authentication)"
            );
        }
        let read = export::read(
            &connected.access,
            &args.profiles,
            usize::from(args.parallelism),
        )
        .await;
        let client = &connected.session.client;
        let now = client.server_time().unwrap_or_else(chrono::Utc::now);
        let closed = connected.close().await;
        let read = read.context("cannot read the account from TagoIO")?;
        closed?;
        Ok((read, now))
    })?;
    let layout = match args.out {
        Some(_) => Layout::Folder,
        None => Layout::Single,
    };
    let options = Options {
        layout,
        now,
        token_env_prefix: args.token_env_prefix.clone(),
    };
    let exported = export::export(&snapshot, &options)?;
    for note in &exported.notes {
        tracing::warn!("export: {note}");
    }
    match &args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for file in &exported.files {
                out.write_all(file.text.as_bytes())?;
            }
            out.flush()?;
        }
        Some(folder) => {
            write_folder(folder, &exported)?;
            if super::quiet() {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "Exported {} profile(s) to `{}`. Next: tagoform plan {} (expect no changes).",
                snapshot.details.len(),
                folder.display(),
                folder.display()
            );
        }
    }
    if !super::quiet() && !exported.token_envs.is_empty() {
        eprint!("{}", token_env_table(&exported.token_envs));
    }
    Ok(ExitCode::SUCCESS)
}

/// The variables `--token-env-prefix` named, and the token each must hold in which job.
fn token_env_table(token_envs: &[export::TokenEnv]) -> String {
    let width = token_envs
        .iter()
        .map(|t| t.variable.len())
        .max()
        .unwrap_or(0);
    let mut table = String::from(
        "Create one CI secret per profile, named as its token_env, holding a token of that \
         profile:\npermission `read` for plan and drift jobs, `full` for the apply job \
         (docs/ci.md).\n",
    );
    for token_env in token_envs {
        table.push_str(&format!(
            "  {:width$}  profile `{}` ({})\n",
            token_env.variable,
            token_env.profile,
            crate::text::visible(&token_env.name),
        ));
    }
    table
}

/// The folder must be new or empty: every YAML file in it is merged, so a file export did not
/// write would change what the export means.
fn check_empty(folder: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(folder) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "`{}` is not empty; export writes into a new or empty folder, since every \
                     YAML file in a folder is merged (choose another --out, or empty it)",
                    folder.display()
                );
            }
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => {
            Err(error).with_context(|| format!("cannot read the folder `{}`", folder.display()))
        }
    }
}

fn write_folder(folder: &Path, exported: &Exported) -> anyhow::Result<()> {
    let schema = crate::config::wire::schema_json();
    let files: Vec<(&Path, &str)> = exported
        .files
        .iter()
        .map(|f| (f.path.as_path(), f.text.as_str()))
        .chain([(Path::new(SCHEMA_FILE), schema.as_str())])
        .collect();
    write_complete(folder, &files)
}

/// Writes `files` into a hidden folder next to `folder`, then renames it into place: a
/// failure half-way leaves no partly written configuration that a later plan would read as
/// the whole account. `folder` must be new or empty (an empty folder is replaced).
pub(crate) fn write_complete(folder: &Path, files: &[(&Path, &str)]) -> anyhow::Result<()> {
    let parent = match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
    let name = folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_owned());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::create_dir(&staging)
        .with_context(|| format!("cannot create the folder `{}`", staging.display()))?;
    let written = write_all(&staging, files).and_then(|()| {
        std::fs::rename(&staging, folder).with_context(|| {
            format!(
                "cannot move the export from `{}` to `{}`",
                staging.display(),
                folder.display()
            )
        })
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written
}

fn write_all(folder: &Path, files: &[(&Path, &str)]) -> anyhow::Result<()> {
    for (relative, text) in files {
        let path = folder.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::write_complete;

    fn names(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failure_half_way_leaves_no_folder_and_no_staging_behind() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("tagoio");
        // The second file cannot be written (a NUL in a file name): the first must not stay.
        let files = [
            (Path::new("a.yaml"), "version: 1\n"),
            (Path::new("b\0.yaml"), "version: 1\n"),
        ];
        assert!(write_complete(&out, &files).is_err());
        assert_eq!(names(parent.path()), Vec::<String>::new());
    }

    #[test]
    fn a_complete_export_replaces_an_empty_folder() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("tagoio");
        std::fs::create_dir(&out).unwrap();
        let files = [
            (Path::new("a.yaml"), "version: 1\n"),
            (Path::new("decoders/x.js"), "// x\n"),
        ];
        write_complete(&out, &files).unwrap();
        assert_eq!(names(parent.path()), ["tagoio"]);
        assert_eq!(names(&out), ["a.yaml", "decoders"]);
        assert_eq!(
            std::fs::read_to_string(out.join("decoders/x.js")).unwrap(),
            "// x\n"
        );
    }
}
