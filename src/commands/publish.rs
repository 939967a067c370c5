//! `tagoform publish`: write the contributions of `publish:` entries into a clone of
//! `tago-io/decoders`, after checking all of them; print what was written, the catalog ids
//! and the checks the repository asks for. Nothing is written when anything is wrong.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use super::reconcile::load_desired;
use crate::cli::PublishArgs;
use crate::publish::prepare::{prepare, Prepared};
use crate::publish::repo::Repo;

pub fn run(args: &PublishArgs) -> anyhow::Result<ExitCode> {
    let desired = load_desired(&args.path)?;
    let repo = Repo::open(&args.decoders_repo)?;
    let prepared =
        prepare(&desired, &args.targets, &repo).context("nothing was written to the clone")?;
    if prepared.is_empty() {
        anyhow::bail!(
            "no network or connector of `{}` has `publish:`; nothing was written",
            args.path.display()
        );
    }
    // Every file of every contribution is checked before the first is written.
    for one in &prepared {
        let files: Vec<_> = one.changed.iter().collect();
        repo.check_writable(&one.contribution.folder, &files)
            .context("nothing was written to the clone")?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut folders = Vec::new();
    for one in &prepared {
        let files: Vec<_> = one.changed.iter().collect();
        repo.write(&one.contribution.folder, &files)
            .context("the clone is left as far as it was written; run publish again once fixed")?;
        report(one, &mut out)?;
        folders.push(one.contribution.folder.clone());
    }
    if prepared.iter().all(|p| p.changed.is_empty()) {
        writeln!(out, "Nothing written: the clone has all of it already.")?;
    } else {
        writeln!(
            out,
            "\nNext, in {}: run the repository's checks, then commit and open the pull request:",
            repo.root().display()
        )?;
        for command in repo.checks(&folders) {
            writeln!(out, "  {command}")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn report(one: &Prepared, out: &mut dyn Write) -> std::io::Result<()> {
    let c = &one.contribution;
    let state = match (one.changed.is_empty(), one.new_version) {
        (true, _) => "unchanged",
        (false, true) => "new version",
        (false, false) => "updated",
    };
    writeln!(
        out,
        "{} `{}`: {}/{} ({state}), catalog id {}",
        c.kind,
        c.key,
        c.folder,
        c.version,
        // From the clone's map-ids.json: someone else's text.
        crate::text::visible(&one.catalog_id)
    )?;
    for file in &one.changed {
        writeln!(out, "  wrote {}/{}", c.folder, file.path)?;
    }
    if let Some(configured) = one.configured {
        writeln!(
            out,
            "  note: `publish.version` says {configured}; the clone now has {}: set it to {} so that `plan` follows this version",
            c.version, c.version
        )?;
    }
    Ok(())
}
