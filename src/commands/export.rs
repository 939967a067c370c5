//! `tagoform export`: read the account, convert it (PURE, in [`crate::export`]), then print
//! one document or write one file per profile into a new or empty folder.
//!
//! Exit codes: 0 exported (notes about what was left out go to stderr), 1 error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::reconcile::{connect, runtime};
use crate::cli::ExportArgs;
use crate::config::Desired;
use crate::export::{self, Exported, Layout, Options, SCHEMA_FILE};

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if let Some(out) = &args.out {
        check_empty(out)?;
    }
    let (snapshot, now) = runtime()?.block_on(async {
        let connected = connect(&Desired::default(), &args.api).await?;
        if connected.access.credentials().is_none() {
            connected.close().await;
            bail!(
                "export reads every profile's networks and connectors with a short-lived token: \
                 set TAGOIO_EMAIL and TAGOIO_PASSWORD (and TAGOIO_PIN with two-factor \
                 authentication)"
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
        connected.close().await;
        Ok((read.context("cannot read the account from TagoIO")?, now))
    })?;
    let layout = match args.out {
        Some(_) => Layout::Folder,
        None => Layout::Single,
    };
    let exported = export::export(&snapshot, &Options { layout, now })?;
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
    Ok(ExitCode::SUCCESS)
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
    let files = exported
        .files
        .iter()
        .map(|f| (f.path.as_path(), f.text.as_str()))
        .chain([(Path::new(SCHEMA_FILE), schema.as_str())]);
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
