//! `tagoform man`: the man pages (roff), generated from the clap definitions: `tagoform(1)`
//! and one page per subcommand (`tagoform-plan(1)`, ...), each with ENVIRONMENT and EXIT
//! STATUS sections. `--out DIR` writes one file per page; without it, all pages go to stdout.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::environment::{Scope, VARIABLES};

pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let pages = pages()?;
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            for (_, page) in &pages {
                out.write_all(page)?;
            }
            out.flush()?;
        }
        Some(folder) => write_pages(folder, &pages)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_pages(folder: &Path, pages: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create `{}`", folder.display()))?;
    for (name, page) in pages {
        let path = folder.join(format!("{name}.1"));
        std::fs::write(&path, page)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    eprintln!("Wrote {} man pages to `{}`.", pages.len(), folder.display());
    Ok(())
}

/// Every page by name: `tagoform` first, then the subcommands in their order.
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let command = Cli::command();
    let mut pages = Vec::new();
    let mut main = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut main)?;
    main.extend(environment(None).as_bytes());
    main.extend(exit_status("tagoform").as_bytes());
    pages.push(("tagoform".to_owned(), main));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("tagoform-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(name.clone())
            .version(env!("CARGO_PKG_VERSION"));
        let mut text = Vec::new();
        clap_mangen::Man::new(page).render(&mut text)?;
        text.extend(environment(Some(sub.get_name())).as_bytes());
        text.extend(exit_status(sub.get_name()).as_bytes());
        pages.push((name, text));
    }
    Ok(pages)
}

/// `.TP` items: a bold term, then its text.
fn items(heading: &str, entries: &[(&str, &str)]) -> String {
    let mut text = format!(".SH \"{heading}\"\n");
    for (term, meaning) in entries {
        text.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            term.replace('-', "\\-"),
            meaning.replace('-', "\\-")
        ));
    }
    text
}

/// The ENVIRONMENT section from the one table of variables (`crate::environment`): those of
/// the API for commands that talk to it, the lock's for `apply`, and those of every command.
fn environment(command: Option<&str>) -> String {
    let talks_to_the_api = command.is_none_or(|name| {
        !matches!(
            name,
            "validate"
                | "schema"
                | "completions"
                | "man"
                | "emulator"
                | "init"
                | "show"
                | "publish"
        )
    });
    let entries: Vec<(&str, &str)> = VARIABLES
        .iter()
        .filter(|variable| match variable.scope {
            Scope::Any => true,
            Scope::Api => talks_to_the_api,
            Scope::Lock => matches!(command, None | Some("apply")),
        })
        .map(|variable| (variable.name, variable.meaning))
        .collect();
    items("ENVIRONMENT", &entries)
}

fn exit_status(command: &str) -> String {
    let entries: &[(&str, &str)] = match command {
        "plan" => &[
            ("0", "Success; with --detailed-exitcode, no changes."),
            ("1", "An error (also a usage error)."),
            ("2", "With --detailed-exitcode: there are changes."),
        ],
        "apply" => &[
            ("0", "Every operation done, or nothing to do."),
            ("1", "An error (also a usage error)."),
            ("3", "An operation failed; the others were done."),
            ("4", "Refused before any write: a safety rule, the lock held, a stale saved plan, or cancelled."),
            ("5", "With --verify: TagoIO still differs from the configuration."),
        ],
        "validate" => &[
            ("0", "Valid (warnings allowed unless --strict)."),
            ("1", "Errors, or warnings with --strict."),
        ],
        "doctor" => &[
            ("0", "Every check holds, or was skipped."),
            ("1", "A check failed, or an error."),
        ],
        "tagoform" => &[
            ("0", "Success."),
            ("1", "An error (also a usage error)."),
            ("2", "plan --detailed-exitcode: there are changes."),
            ("3, 4, 5", "apply: an operation failed; refused before any write; --verify found changes."),
        ],
        _ => &[("0", "Success."), ("1", "An error (also a usage error).")],
    };
    items("EXIT STATUS", entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_a_page_for_the_program_and_every_subcommand_with_environment_and_exit_status() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "tagoform",
                "tagoform-init",
                "tagoform-validate",
                "tagoform-schema",
                "tagoform-plan",
                "tagoform-show",
                "tagoform-apply",
                "tagoform-export",
                "tagoform-publish",
                "tagoform-completions",
                "tagoform-man",
                "tagoform-unlock",
                "tagoform-doctor",
                "tagoform-otp",
                "tagoform-emulator",
            ]
        );
        let version = env!("CARGO_PKG_VERSION");
        for (name, page) in &pages {
            let page = String::from_utf8(page.clone()).unwrap();
            let shown = name.strip_prefix("tagoform-").unwrap_or(name);
            assert!(
                page.starts_with(&format!(
                    ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {name} 1  \"{shown} {version}\" "
                )),
                "{name}: {}",
                &page[..80]
            );
            assert!(page.contains(".SH \"ENVIRONMENT\"\n"), "{name}");
            assert!(page.contains(".SH \"EXIT STATUS\"\n"), "{name}");
        }
        let page = |name: &str| {
            let (_, bytes) = pages.iter().find(|(n, _)| n == name).unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        let apply = page("tagoform-apply");
        assert!(apply.contains(".TP\n\\fB4\\fR\nRefused before any write"));
        assert!(apply.contains("\\fBTAGOIO_OTP_TYPE\\fR"));
        let export = page("tagoform-export");
        assert!(export.contains(
            "tagoform\\-export \\- Write the live account (or some of its profiles) as tagoform YAML, to adopt it\n"
        ));
    }
}
